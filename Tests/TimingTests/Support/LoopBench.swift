import Emulator
import Foundation

/// Runs a straight-line block as the body of a counted loop on the emulator and measures cycles
/// per iteration after warm-up, the way llvm-mca measures a block in a steady-state loop.
///
/// The loop is `loop: <body>; subs x28, x28, #1; b.ne loop`, so bodies must leave x28 alone.
/// Every register X0–X27, X29, X30 and SP points into a scratch area whose 64-bit words each hold
/// their own address, so loads return valid pointers and pointer registers stay valid.
struct LoopBench {
    static let scratchBase: UInt64 = 0x4040_0000
    static let scratchSize: UInt64 = 0x2_0000
    /// The closing instructions of every loop body (also given to llvm-mca).
    static let loopClosing = ["subs x28, x28, #1", "b.ne loop"]

    let body: [String]
    /// Extra assembly after the loop (e.g. a function the body calls, or vectors).
    let support: String
    /// Instructions run once before the loop (e.g. installing vectors).
    let setup: [String]

    init(body: [String], support: String = "", setup: [String] = []) {
        self.body = body
        self.support = support
        self.setup = setup
    }

    /// The assembly llvm-mca is given: exactly the loop body as the emulator runs it.
    var loopAssembly: String {
        (["loop:"] + (body + Self.loopClosing).map { "    " + $0 }).joined(separator: "\n") + "\n"
    }

    var programSource: String {
        """
            .text
            .globl _start
        _start:
        \(setup.map { "    " + $0 }.joined(separator: "\n"))
        \(loopAssembly)
            hlt #1
        \(support)
        """
    }

    /// A machine with the loop loaded, registers pointing into the scratch area, stopped at `loop`.
    func makeMachine(profile: CPUProfile?) throws -> (Machine, loop: UInt64) {
        let program = try TimingProgram.build(programSource)
        let machine = Machine(image: program.image)
        let words = Int(Self.scratchSize / 8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(words * 8)
        for index in 0..<words {
            let address = Self.scratchBase + UInt64(index * 8)
            withUnsafeBytes(of: address.littleEndian) { bytes.append(contentsOf: $0) }
        }
        _ = machine.memory.writeBytes(bytes, at: Self.scratchBase)
        for register in 0...30 where register != 28 {
            machine[x: register] = Self.scratchBase + UInt64(register) * 0x400
        }
        machine[x: 28] = 1 << 40
        machine.sp = Self.scratchBase + Self.scratchSize / 2
        guard let loop = program.address(of: "loop") else { throw ToolFailure(description: "no loop label") }
        machine.addHook(at: loop)
        if let profile { machine.timing = .profile(profile) }
        return (machine, loop)
    }

    /// Cycles per iteration in steady state: `warmUp` iterations, then the mean over `iterations`.
    func cyclesPerIteration(profile: CPUProfile, warmUp: Int = 50, iterations: Int = 200) throws -> Double {
        try measure(profile: profile, warmUp: warmUp, iterations: iterations).cyclesPerIteration
    }

    /// Counters over `iterations` after `warmUp` iterations.
    func measure(profile: CPUProfile, warmUp: Int, iterations: Int) throws -> (cyclesPerIteration: Double, window: TimingCounters) {
        let (machine, loop) = try makeMachine(profile: profile)
        return try Self.measure(machine: machine, loop: loop, warmUp: warmUp, iterations: iterations)
    }

    /// Counters over `iterations` hook stops at `loop` after `warmUp + 1` of them (the first stop of
    /// a fresh machine executes nothing: it is the hook at the entry; pass -1 to measure from here).
    static func measure(machine: Machine, loop: UInt64, warmUp: Int, iterations: Int) throws
        -> (cyclesPerIteration: Double, window: TimingCounters) {
        func advance(_ count: Int) throws {
            for _ in 0..<count {
                let reason = machine.run(instructionLimit: 1_000_000)
                guard reason == .hook(pc: loop) else { throw ToolFailure(description: "loop stopped: \(reason)") }
            }
        }
        try advance(warmUp + 1)
        let start = machine.timingCounters
        try advance(iterations)
        let window = machine.timingCounters - start
        return (Double(window.cycles) / Double(iterations), window)
    }
}
