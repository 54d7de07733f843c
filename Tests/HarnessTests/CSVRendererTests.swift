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

    /// CSV is for machines: every value reads back as the very Double the run measured, not a
    /// rounding of it; whole numbers keep the report's form, without decimals.
    @Test func valuesReadBackExactly() throws {
        var scenario = ResultsFixtures.scenario("ftrace-args", entryCycles: 22.625)
        scenario.metrics.exit.steady.measured.instructions = 1.0 / 3
        scenario.metrics.attachCycles = 4703
        scenario.metrics.detachCycles = 1e-5
        var results = ResultsFixtures.run("r", scenarios: [scenario])
        results.scaling = [ScalingCurve(parameter: .registeredOps, mechanism: "ftrace-list", handler: "count", workload: "leaf",
                                        cpu: "cortex-a72", quantity: "entry overhead cycles per call",
                                        points: [ScalingPoint(x: 2, y: 104.31249999999999)])]
        let rows = Self.parse(CSVRenderer.render(results))
        func value(_ metric: String) throws -> String { try #require(rows.first { $0[6] == metric }?[7], "\(metric)") }
        #expect(try value("entry_steady_cycles") == "22.625")
        #expect(try value("entry_steady_cycles_overhead") == "12.625")
        #expect(try value("exit_steady_instructions") == "0.3333333333333333")
        #expect(try Double(value("exit_steady_instructions")) == 1.0 / 3)
        #expect(try value("attach_cycles") == "4703")
        #expect(try Double(value("detach_cycles")) == 1e-5)
        #expect(try Double(value("entry overhead cycles per call at ops=2")) == 104.31249999999999)
        // Not a number and infinities are written so that a parser reads them back, not as the report's "–".
        #expect(ReportFormat.exact(.nan) == "nan" && Double(ReportFormat.exact(.nan))?.isNaN == true)
        #expect(Double(ReportFormat.exact(-.infinity)) == -.infinity)
        #expect(ReportFormat.exact(-0.0) == "0" && ReportFormat.exact(1e16) == "1e+16")
        // Every value of a scenario reads back as the figure it was written from.
        let written = Dictionary(uniqueKeysWithValues: rows.dropFirst().filter { $0[0] == "scenario" }.map { ($0[6], $0[7]) })
        for (name, counters) in [("entry_steady", scenario.metrics.entry.steady), ("exit_steady", scenario.metrics.exit.steady)] {
            for (counter, figure) in counters.measured.named + counters.overhead.named.map({ ($0.0 + "_overhead", $0.1) }) {
                let key = "\(name)_\(counter)"
                #expect(written[key].flatMap(Double.init) == figure, "\(key): \(written[key] ?? "missing") for \(figure)")
            }
        }
    }

    /// A fetch cost this host could not measure (libdw missing) is in the CSV, one row per metric a
    /// fetch cost has, with no value: not left out, and not a made-up figure such as 0 or nan.
    @Test func unavailableFetchCostsHaveRowsWithoutAValue() throws {
        var results = ResultsFixtures.run("r", scenarios: [])
        let definition = "p:fetchcost/kprobe pb_wl_typed obj->balance obj->label:string"
        results.unavailableFetchCosts = [UnavailableFetchCost(definition: definition, cpu: "cortex-a72",
                                                              reason: "libdw is unavailable: libdw.so.1: cannot open")]
        let rows = Self.parse(CSVRenderer.render(results)).dropFirst()
        #expect(rows.map { $0[6] } == ["fetch_cycles_per_argument", "fetch_cycles", "record_cycles",
                                       "marginal_cycles_per_argument", "arguments"])
        #expect(rows.allSatisfy { $0 == ["fetch_unavailable", definition, "", "fetch", "", "cortex-a72", $0[6], ""] }, "\(rows)")
    }

    /// A walker that could not run has its counts as rows without values, not left out and not zeros.
    @Test func unavailableWalksHaveRowsWithoutAValue() {
        var scenario = ResultsFixtures.scenario("ftrace-args", entryCycles: 40)
        scenario.walks = [WalkVerification(point: .entryHandler, walker: .libdw, unavailable: "libdw.so.1: cannot open"),
                          WalkVerification(point: .entryHandler, walker: .guest, total: 4, correct: 4)]
        let rows = Self.parse(CSVRenderer.render(ResultsFixtures.run("r", scenarios: [scenario])))
        let unavailable = rows.filter { $0[0] == "walk_unavailable" }
        #expect(unavailable.map { $0[6] }.first == "entry_libdw_total" && unavailable.count == 8, "\(unavailable)")
        #expect(unavailable.allSatisfy { $0[7].isEmpty && $0[1] == scenario.id })
        #expect(rows.filter { $0[0] == "walk" }.allSatisfy { $0[6].hasPrefix("entry_guest_") })
    }

    /// An IRQ sweep's walks carry the instructions at which the IRQ was masked; other walks have no such row.
    @Test func interruptWalksCarryTheirMaskedCount() {
        var scenario = ResultsFixtures.scenario("kprobe-xol", entryCycles: 90)
        scenario.walks = [WalkVerification(point: .interrupt, walker: .guest, total: 12, correct: 12, masked: 7),
                          WalkVerification(point: .entryHandler, walker: .guest, total: 4, correct: 4)]
        let rows = Self.parse(CSVRenderer.render(ResultsFixtures.run("r", scenarios: [scenario])))
        #expect(rows.filter { $0[0] == "walk" && $0[6].hasSuffix("_masked") }.map { [$0[6], $0[7]] } == [["irq_guest_masked", "7"]])
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
