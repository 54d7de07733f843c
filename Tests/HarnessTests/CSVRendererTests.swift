import Testing
@testable import Harness
@testable import Reports

/// The tidy CSV: one row of eight fields per value, quoted where RFC 4180 requires.
@Suite struct CSVRendererTests {
    @Test func fieldsWithSeparatorsQuotesOrLineBreaksAreQuoted() {
        #expect(CSVRenderer.escape("p pb_wl_typed obj->balance") == "p pb_wl_typed obj->balance")
        #expect(CSVRenderer.escape("a,b") == "\"a,b\"")
        #expect(CSVRenderer.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVRenderer.escape("one\ntwo") == "\"one\ntwo\"")
        // A CRLF is one Character; its line feed still needs the quotes.
        #expect(CSVRenderer.escape("one\r\ntwo") == "\"one\r\ntwo\"")
        #expect(CSVRenderer.escape("one\rtwo") == "\"one\rtwo\"")
        #expect(CSVRenderer.escape("é,ü") == "\"é,ü\"")
        #expect(CSVRenderer.escape("") == "")
    }

    @Test func everyValueIsOneRowOfEightFields() {
        let results = ResultsFixtures.run("r", scenarios: [ResultsFixtures.scenario("ftrace-args", entryCycles: 40),
                                                           ResultsFixtures.scenario("kprobe,brk", entryCycles: 90)])
        let csv = CSVRenderer.render(results)
        #expect(csv.hasSuffix("\n"))
        let rows = Self.parse(csv)
        #expect(rows.first == CSVRenderer.header.split(separator: ",").map(String.init))
        #expect(rows.allSatisfy { $0.count == 8 })
        // Per scenario: 2 windows × 2 phases × 6 counters × (measured, overhead), stack (2), stack at
        // handler entry, attach, detach, and one walk's 8 counts.
        #expect(rows.count == 1 + 2 * (2 * 2 * 6 * 2 + 2 + 1 + 2 + 8))
        let quoted = rows.filter { $0[2] == "kprobe,brk" }
        #expect(quoted.count == 2 * 2 * 6 * 2 + 2 + 1 + 2 + 8)
        #expect(rows.contains(["scenario", "ftrace-args/count/leaf@cortex-a72", "ftrace-args", "count", "leaf",
                               "cortex-a72", "entry_steady_cycles_overhead", "30"]))
    }

    /// Splits RFC 4180 text into rows of unquoted fields.
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append("\""); characters.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else {
                field.unicodeScalars.append(c)
            }
        }
        return rows
    }
}
