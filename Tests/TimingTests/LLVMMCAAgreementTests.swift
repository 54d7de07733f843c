import Emulator
import Foundation
import Testing
import TestSupport

/// Our models against llvm-mca 19 on the same loop bodies: each profile against the llvm-mca CPU
/// of the same name, steady-state cycles per iteration within ±15% for at least 90% of the blocks.
@Suite(.serialized,
       .enabled(if: LLVMMCA.executable != nil, Comment(rawValue: LLVMMCA.missingReason)),
       .enabled(if: TimingProgram.isAvailable, Comment(rawValue: Toolchain.missingReason)))
struct LLVMMCAAgreementTests {
    static let tolerance = 0.15
    static let requiredHitRate = 0.90

    struct Row {
        let block: String
        let profile: String
        let ours: Double
        let reference: Double
        let expectedDifference: Bool
        var ratio: Double { ours / reference }
        var hit: Bool { abs(ratio - 1) <= LLVMMCAAgreementTests.tolerance }
        var verdict: String {
            if hit { return "hit" }
            return expectedDifference ? "miss (principled)" : "MISS"
        }
    }

    @Test(arguments: CPUProfile.all.map(\.name))
    func steadyStateCyclesAgree(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        var rows: [Row] = []
        for block in AgreementCorpus.blocks {
            let bench = LoopBench(body: block.body)
            let ours = try bench.cyclesPerIteration(profile: profile)
            let reference = try LLVMMCA.cyclesPerIteration(assembly: bench.loopAssembly, cpu: profile.name)
            rows.append(Row(block: block.name, profile: profile.name, ours: ours, reference: reference,
                            expectedDifference: block.principledDifference))
        }
        print(Self.table(rows))
        let hits = rows.filter(\.hit).count
        let rate = Double(hits) / Double(rows.count)
        print("\(profile.name): \(hits) of \(rows.count) blocks within ±\(Int(Self.tolerance * 100))% of llvm-mca")
        #expect(rows.count >= 25)
        #expect(rate >= Self.requiredHitRate, "\(profile.name): only \(hits)/\(rows.count) blocks agree with llvm-mca")
    }

    static func table(_ rows: [Row]) -> String {
        var lines = ["block                          profile       ours  llvm-mca  ratio  verdict"]
        for row in rows {
            lines.append(row.block.padding(toLength: 31, withPad: " ", startingAt: 0)
                + row.profile.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%6.2f  %8.2f  %5.2f  ", row.ours, row.reference, row.ratio) + row.verdict)
        }
        return lines.joined(separator: "\n")
    }
}
