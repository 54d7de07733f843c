import Emulator
import Testing
import TestSupport

/// The same program gives the same counts, every time, on every profile.
@Suite(.enabled(if: TimingProgram.isAvailable, Comment(rawValue: Toolchain.missingReason)))
struct DeterminismTests {
    @Test(arguments: CPUProfile.all.map(\.name))
    func sameProgramSameCounts(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        // Blocks that keep their pointer registers intact when run back to back.
        let names = ["ftrace-regs-save", "prologue-epilogue-leaf-frame", "load-use-pairs", "store-burst",
                     "divide-chain-64", "csel-chain", "multiply-chain", "ftrace-args-restore"]
        let body = try names.flatMap { name in
            try #require(AgreementCorpus.blocks.first { $0.name == name }, "AgreementCorpus has no block named \(name)").body
        }
        let bench = LoopBench(body: body + ["bl callee"], support: "callee:\n    ret\n")
        func countsOfOneRun() throws -> TimingCounters {
            let (machine, loop) = try bench.makeMachine(profile: profile)
            return try LoopBench.measure(machine: machine, loop: loop, warmUp: 3, iterations: 40).window
        }
        let first = try countsOfOneRun()
        let second = try countsOfOneRun()
        #expect(first == second)
        #expect(first.cycles > 0 && first.instructions > 0)
    }
}
