import A64

/// Two more fixed loops, for the default profile's out-of-order model, that show how its host speed
/// depends on the guest code: twenty additions that each wait for the one before (latency bound in
/// the guest: one issues per cycle, and the pipe schedule never has to look past a busy cycle), and
/// twenty independent additions, more than the core's two integer pipes issue per cycle (pipe bound
/// in the guest: once the reorder window is full, each placement searches past cycles the pipes are
/// already busy in). Both are 22 instructions per iteration, like the mix loop, and run on
/// `MixLoop.makeMachine`'s machine (count in x20, return through x21).
public enum AddLoops {
    /// One chain: `add x0, x0, #1` twenty times.
    public static func dependent() throws -> [UInt32] {
        try loop(adding: Array(repeating: (.x(0), .x(0)), count: 20))
    }

    /// No chains: `add x1, x10, #1` … `add x8, x17, #1`, twenty in all, whose sources nothing writes.
    public static func independent() throws -> [UInt32] {
        try loop(adding: (0..<20).map { (.x($0 % 8 + 1), .x($0 % 8 + 10)) })
    }

    /// `mov x21, x30`, then `adds` (destination, source) each `add d, s, #1` in a loop that counts
    /// x20 down to zero, then `ret x21`.
    private static func loop(adding adds: [(Register, Register)]) throws -> [UInt32] {
        let body = try adds.map { try Encoder.addImmediate($0.0, $0.1, 1) }
        // b.ne back to the first addition: imm19 is the word offset, -(count + 1).
        let branchBack = 0x5400_0001 | (UInt32(bitPattern: Int32(-(body.count + 1))) & 0x7_FFFF) << 5
        return [Encoder.movRegister(.x(21), .x(30))] + body + [
            0xF100_0694, // subs x20, x20, #1
            branchBack, // b.ne 1b
            0xD65F_02A0, // ret x21
        ]
    }
}
