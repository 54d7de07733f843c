import DebugInfo
import Emulator
import Foundation
import Testing
import TestSupport
@testable import GuestKernel

/// The Swift mirror of `pb_abi.h` against the guest itself: its exported size symbols and its DWARF.
@Suite struct GuestABITests {
    let kernel: GuestKernel

    init() throws {
        kernel = try GuestKernel()
    }

    func exportedValue(_ symbol: String) throws -> UInt64 {
        let address = try kernel.address(of: symbol)
        return try #require(kernel.machine.memory.readUInt64(at: address), "\(symbol) is not readable")
    }

    @Test func structureSizesAreArm64s() throws {
        #expect(try exportedValue(GuestABI.Symbol.sizeofPtRegs) == 336)
        #expect(try exportedValue(GuestABI.Symbol.sizeofFtraceRegs) == 112)
        #expect(GuestABI.sizeofPtRegs == 336 && GuestABI.sizeofFtraceRegs == 112)
        #expect(try exportedValue(GuestABI.Symbol.sizeofControl) == GuestABI.Control.size)
        #expect(try exportedValue(GuestABI.Symbol.sizeofWalk) == GuestABI.Control.walkSize)
        #expect(try exportedValue(GuestABI.Symbol.abiVersion) == GuestABI.version)
    }

    @Test(.enabled(if: (try? LibDW.shared()) != nil, "libdw.so.1 cannot be loaded on this machine"))
    func controlBlockOffsetsMatchTheGuestsDebugInfo() throws {
        let program = try DWARFProgram(elfPath: kernel.imageURL.path)
        let control = try program.typeID(named: "struct pb_control")
        let expected: [(String, UInt64)] = [
            ("magic", GuestABI.Control.magic), ("abi_version", GuestABI.Control.abiVersion),
            ("entry_hits", GuestABI.Control.entryHits), ("exit_hits", GuestABI.Control.exitHits),
            ("irq_count", GuestABI.Control.irqCount), ("missed", GuestABI.Control.missed),
            ("last_entry_func", GuestABI.Control.lastEntryFunction), ("last_args", GuestABI.Control.lastArguments),
            ("last_big", GuestABI.Control.lastBig), ("last_big_valid", GuestABI.Control.lastBigValid),
            ("last_exit_func", GuestABI.Control.lastExitFunction), ("last_retval", GuestABI.Control.lastReturnValue),
            ("entry_walk", GuestABI.Control.entryWalk), ("exit_walk", GuestABI.Control.exitWalk),
            ("callee_walk", GuestABI.Control.calleeWalk), ("irq_walk", GuestABI.Control.irqWalk),
            ("irq_pc", GuestABI.Control.irqPC), ("callee_raise_sgi", GuestABI.Control.calleeRaiseSGI),
            ("call_args", GuestABI.Control.callArguments), ("fetch_entry", GuestABI.Control.fetchEntry),
            ("fetch_exit", GuestABI.Control.fetchExit), ("ring", GuestABI.Control.ring),
        ]
        for (name, offset) in expected {
            #expect(UInt64(try program.member(named: name, in: control).byteOffset) == offset, "pb_control.\(name)")
        }
        #expect(program.byteSize(of: control).map(UInt64.init) == GuestABI.Control.size)
        let walk = try program.typeID(named: "struct pb_walk")
        #expect(UInt64(try program.member(named: "status", in: walk).byteOffset) == GuestABI.Control.walkStatus)
        #expect(UInt64(try program.member(named: "flags", in: walk).byteOffset) == GuestABI.Control.walkFlags)
        #expect(UInt64(try program.member(named: "count", in: walk).byteOffset) == GuestABI.Control.walkCount)
        #expect(UInt64(try program.member(named: "pcs", in: walk).byteOffset) == GuestABI.Control.walkPCs)
        let event = try program.typeID(named: "struct pb_probe_event")
        #expect(UInt64(try program.member(named: "regs", in: event).byteOffset) == GuestABI.ProbeEvent.regs)
        #expect(UInt64(try program.member(named: "regs_kind", in: event).byteOffset) == GuestABI.ProbeEvent.regsKind)
    }

    /// The numeric value of `#define name …` in the guest header `Guest/include/<header>`, if any.
    static func macro(_ name: String, in header: String = "pb_abi.h") throws -> UInt64? {
        let url = PackageRoot.url.appending(path: "Sources/GuestKernel/Guest/include/\(header)")
        let text = try String(contentsOf: url, encoding: .utf8)
        let pattern = "#define \(name) "
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(pattern) }) else { return nil }
        return UInt64(line.dropFirst(pattern.count).trimmingCharacters(in: .whitespaces).prefix { $0.isNumber })
    }

    @Test func mechanismAndHandlerIdsMatchTheGuestsMacros() throws {
        func macro(_ name: String) throws -> UInt64? { try Self.macro(name) }
        let macros: [Mechanism: String] = [
            .none: "PB_MECH_NONE", .ftraceArgs: "PB_MECH_FTRACE_ARGS", .ftraceRegs: "PB_MECH_FTRACE_REGS",
            .ftraceList: "PB_MECH_FTRACE_LIST", .ftraceCallOps: "PB_MECH_FTRACE_CALLOPS",
            .directCaller: "PB_MECH_DIRECT_CALLER", .directBL: "PB_MECH_DIRECT_BL", .directPLT: "PB_MECH_DIRECT_PLT",
            .kprobeXOL: "PB_MECH_KPROBE_XOL", .kprobeSingleStep: "PB_MECH_KPROBE_SS", .kprobeSimulate: "PB_MECH_KPROBE_SIM",
            .kretprobeBRK: "PB_MECH_KRETPROBE_BRK", .kretprobeTrampoline: "PB_MECH_KRETPROBE_TRAMP",
            .functionGraph: "PB_MECH_FGRAPH", .fprobe: "PB_MECH_FPROBE", .fprobePtRegs: "PB_MECH_FPROBE_PTREGS",
            .fentryFexit: "PB_MECH_FENTRY_FEXIT", .ftraceArgsNoFrameRecord: "PB_MECH_FTRACE_ARGS_NOFP",
        ]
        for mechanism in Mechanism.allCases {
            #expect(try macro(macros[mechanism]!) == mechanism.guestID, "\(mechanism)")
        }
        #expect(try macro("PB_MECH_COUNT") == UInt64(Mechanism.allCases.count))
        for (kind, name) in [(HandlerKind.count, "PB_HANDLER_COUNT"), (.args, "PB_HANDLER_ARGS"), (.walk, "PB_HANDLER_WALK"), (.fetch, "PB_HANDLER_FETCH"),
                                (.modify, "PB_HANDLER_MODIFY"), (.redirect, "PB_HANDLER_REDIRECT"), (.regsWalk, "PB_HANDLER_REGS_WALK")] {
            #expect(try macro(name) == kind.guestID, "\(kind)")
        }
        #expect(try macro("PB_HANDLER_KIND_COUNT") == UInt64(HandlerKind.allCases.count))
        #expect(try macro("PB_MODIFY_ARGUMENT_DELTA") == UInt64(GuestABI.modifyArgumentDelta))
        #expect(try macro("PB_MODIFY_RETURN_DELTA") == UInt64(GuestABI.modifyReturnDelta))
        #expect(try macro("PB_HOST_SAMPLE_INTID") == UInt64(GuestABI.hostSampleInterrupt))
    }

    /// The guest's capacities that suite validation relies on: ops, return hooks, many functions.
    @Test func capacitiesMatchTheGuests() throws {
        #expect(try Self.macro("PB_MAX_OPS_COUNT") == UInt64(GuestABI.maxOpsCount))
        #expect(try Self.macro("PB_MAX_SHARED_OPS") == UInt64(GuestABI.maxSharedOps))
        #expect(try Self.macro("PB_FTRACE_LIST_DEFAULT_OPS") == UInt64(GuestABI.ftraceListDefaultOps))
        #expect(try Self.macro("PB_KRETPROBE_MAXACTIVE", in: "pb/kretprobe.h") == UInt64(GuestABI.kretprobeMaxActive))
        #expect(try Self.macro("PB_RET_STACK_DEPTH", in: "pb/task.h") == UInt64(GuestABI.returnStackDepth))
        #expect(try Self.macro("PB_MAX_KRETPROBES", in: "pb/kretprobe.h") == UInt64(GuestABI.maxKretprobes))
        #expect(try Self.macro("PB_CODE_MAP_MAX") == UInt64(GuestABI.codeMapMax))
        let many = kernel.symbols.entries.filter { $0.isFunction && $0.name.hasPrefix("pb_fn_") }
        #expect(many.count == GuestABI.manyFunctionCount, "pb_fn_* functions in the guest")
        #expect(kernel.symbols.address(of: "pb_fn_\(GuestABI.manyFunctionCount - 1)") != nil)
    }
}

/// The images' bytes, and so the SHA-256 a run records, do not depend on where the package is checked out.
@Suite struct GuestImageReproducibilityTests {
    @Test(arguments: [GuestKernel.ImageName.harness, .selfTest])
    func imagesHoldNoPathOfTheCheckout(_ name: GuestKernel.ImageName) throws {
        let bytes = try Data(contentsOf: GuestKernel.imageURL(name))
        let checkout = PackageRoot.url.path
        #expect(bytes.range(of: Data(checkout.utf8)) == nil, "\(name.rawValue).elf names the checkout folder \(checkout)")
    }
}
