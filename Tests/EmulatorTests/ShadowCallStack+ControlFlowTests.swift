import Emulator
import Testing

/// The shadow call stack, fed by the machine's control-flow events, holds the frames actual control
/// flow made: calls, returns, tail branches to function starts, exception entry and ERET.
@Suite("Shadow call stack", .enabled(if: TestProgram.isAvailable, "the toolchain's clang and ld.lld were not found"))
struct ShadowCallStackControlFlowTests {
    static let program = """
            .type   _start, %function
        _start:
            ldr     x0, =0x40100000
            mov     sp, x0
            adr     x0, vectors
            msr     VBAR_EL1, x0
        call_f:
            bl      f
        after_f:
            hlt     #9

            .type   f, %function
        f:
            stp     x29, x30, [sp, #-16]!
            adr     x1, g
        call_g:
            blr     x1
        after_g:
            ldp     x29, x30, [sp], #16
            ret

            .type   g, %function
        g:
            b       h                           // tail call: g's frame becomes h's

            .type   h, %function
        h:
            b       h_body                      // a branch inside h is not a tail call
        h_body:
            svc     #0
        after_svc:
            ret
            .ltorg

            .p2align 11
        vectors:
            .space  0x200
        handler:
            hlt     #5
            eret
        """

    @Test("calls, a tail call, an exception and the returns leave exactly the frames control flow made")
    func framesFollowControlFlow() throws {
        let (machine, program) = try TestProgram.machine(Self.program)
        let symbols = SymbolTable(image: program.image)
        let start = try program.require("_start"), f = try program.require("f"), h = try program.require("h")
        let shadow = ShadowCallStack(functionStarts: symbols.functionStarts, rootFunction: start, stackPointer: machine.sp)
        machine.controlFlowObserver = shadow
        machine.addHook(at: try program.require("h_body"))

        #expect(machine.run(instructionLimit: 1_000) == .hook(pc: try program.require("h_body")))
        #expect(shadow.frames.map(\.kind) == [.root, .call, .call])
        #expect(shadow.frames.map(\.function) == [start, f, h], "functions \(shadow.frames.map { hex($0.function) }); g tail-called h")
        #expect(shadow.frames.map(\.site) == [0, try program.require("call_f"), try program.require("call_g")])
        #expect(shadow.frames.map(\.returnAddress) == [0, try program.require("after_f"), try program.require("after_g")])
        #expect(shadow.frames.last?.stackPointer == 0x4010_0000 - 16, "the call to g happened after f pushed 16 bytes")

        let handler = try program.require("handler")
        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 5, pc: handler))
        #expect(shadow.frames.map(\.kind) == [.root, .call, .call, .exception])
        #expect(shadow.frames.last?.function == handler)
        #expect(shadow.frames.last?.site == (try program.require("after_svc")), "an SVC's preferred return address is the next instruction")

        #expect(machine.run(instructionLimit: 1_000) == .halted(immediate: 9, pc: try program.require("after_f")))
        #expect(shadow.frames.map(\.kind) == [.root])
        #expect(shadow.anomalies.isEmpty, "anomalies: \(shadow.anomalies)")
    }

    @Test("an observer changes nothing the cycle models count", arguments: ["cortex-a53", "cortex-a72", "neoverse-n1"])
    func observerLeavesTimingAlone(profileName: String) throws {
        let profile = try #require(CPUProfile.named(profileName))
        // Calls, returns, a tail branch, loads and stores in a loop: every kind of event.
        let source = """
                .type   _start, %function
            _start:
                ldr     x0, =0x40100000
                mov     sp, x0
                mov     x19, #200
            loop:
                mov     x0, x19
                bl      f
                subs    x19, x19, #1
                b.ne    loop
                hlt     #1

                .type   f, %function
            f:
                stp     x29, x30, [sp, #-16]!
                add     x0, x0, #3
                bl      g
                ldp     x29, x30, [sp], #16
                ret

                .type   g, %function
            g:
                str     x0, [sp, #-16]!
                ldr     x1, [sp], #16
                b       h

                .type   h, %function
            h:
                eor     x0, x0, x1
                ret
                .ltorg
            """
        func counters(observed: Bool) throws -> TimingCounters {
            let (machine, program) = try TestProgram.machine(source)
            machine.timing = .profile(profile)
            if observed {
                let symbols = SymbolTable(image: program.image)
                machine.controlFlowObserver = ShadowCallStack(functionStarts: symbols.functionStarts,
                                                              rootFunction: try program.require("_start"),
                                                              stackPointer: machine.sp)
            }
            #expect(machine.run(instructionLimit: 100_000) == .halted(immediate: 1, pc: try program.require("loop") + 16))
            return machine.timingCounters
        }
        let plain = try counters(observed: false)
        #expect(plain.instructions > 2_000)
        #expect(try counters(observed: true) == plain)
    }

    @Test("a RET with no call frame and an ERET with no exception frame are reported as anomalies")
    func unmatchedReturnsAreAnomalies() throws {
        let (machine, program) = try TestProgram.machine("""
                .type   _start, %function
            _start:
                adr     x30, after_ret
            stray_ret:
                ret
            after_ret:
                adr     x0, after_eret
                msr     ELR_EL1, x0
                mov     x0, #0x3C5
                msr     SPSR_EL1, x0
            stray_eret:
                eret
            after_eret:
                hlt     #1
            """)
        let shadow = ShadowCallStack(functionStarts: [try program.require("_start")],
                                     rootFunction: try program.require("_start"), stackPointer: 0)
        machine.controlFlowObserver = shadow
        #expect(machine.run(instructionLimit: 100) == .halted(immediate: 1, pc: try program.require("after_eret")))
        let stray = try program.require("stray_ret"), strayEret = try program.require("stray_eret")
        #expect(shadow.anomalies.count == 2, "anomalies: \(shadow.anomalies)")
        #expect(shadow.anomalies.first?.contains(String(stray, radix: 16)) == true, "the RET anomaly must name its site: \(shadow.anomalies)")
        #expect(shadow.anomalies.last?.contains(String(strayEret, radix: 16)) == true, "the ERET anomaly must name its site: \(shadow.anomalies)")
        #expect(shadow.frames.map(\.kind) == [.root])
    }
}
