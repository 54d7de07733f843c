import DebugInfo
import GuestKernel
import Testing

/// The Swift mirror of the fetch part of `pb_abi.h` against the layouts in the guest's own DWARF.
@Suite(.enabled(if: ProbeTestGuest.hasDebugInfo, Comment(rawValue: ProbeTestGuest.skipReason)))
struct GuestABIMirrorTests {
    let program: DWARFProgram

    init() throws {
        program = try ProbeTestGuest.debugInfo.get()
    }

    private func offset(_ member: String, in type: String) throws -> UInt64 {
        UInt64(try program.member(dottedPath: member, in: try program.typeID(named: type)).byteOffset)
    }

    private func size(_ type: String) throws -> UInt64 {
        UInt64(try #require(program.byteSize(of: try program.typeID(named: type))))
    }

    @Test func theControlBlocksFetchPart() throws {
        #expect(try offset("fetch_entry", in: "struct pb_control") == GuestABI.Control.fetchEntry)
        #expect(try offset("fetch_exit", in: "struct pb_control") == GuestABI.Control.fetchExit)
        #expect(try offset("ring", in: "struct pb_control") == GuestABI.Control.ring)
        #expect(try offset("call_args", in: "struct pb_control") == GuestABI.Control.callArguments)
        #expect(try size("struct pb_control") == GuestABI.Control.size)
    }

    @Test func programsOpsRingAndRecords() throws {
        #expect(try size("struct pb_fetch_op") == GuestABI.Fetch.opSize)
        #expect(try size("struct pb_fetch_prog") == GuestABI.Fetch.programSize)
        #expect(try offset("imm", in: "struct pb_fetch_op") == 8)
        #expect(try offset("head", in: "struct pb_fetch_ring") == GuestABI.Fetch.ringHead)
        #expect(try offset("tail", in: "struct pb_fetch_ring") == GuestABI.Fetch.ringTail)
        #expect(try offset("dropped", in: "struct pb_fetch_ring") == GuestABI.Fetch.ringDropped)
        #expect(try offset("data", in: "struct pb_fetch_ring") == GuestABI.Fetch.ringData)
        #expect(try size("struct pb_fetch_record_hdr") == UInt64(GuestABI.Fetch.recordHeaderSize))
        #expect(try offset("func", in: "struct pb_fetch_record_hdr") == 8)
        #expect(try offset("nvalues", in: "struct pb_fetch_record_hdr") == 16)
        #expect(try offset("regs_kind", in: "struct pb_fetch_record_hdr") == 20)
    }

    @Test func registerSnapshots() throws {
        #expect(try size("struct pt_regs") == RegisterSetKind.ptRegs.size)
        #expect(try size("struct ftrace_regs") == RegisterSetKind.ftraceRegs.size)
        #expect(try offset("sp", in: "struct pt_regs") == RegisterSetKind.ptRegs.stackPointerOffset)
        #expect(try offset("pc", in: "struct pt_regs") == RegisterSetKind.ptRegs.programCounterOffset)
        #expect(try offset("pstate", in: "struct pt_regs") == RegisterSetKind.ptRegs.processorStateOffset)
        #expect(try offset("sp", in: "struct ftrace_regs") == RegisterSetKind.ftraceRegs.stackPointerOffset)
        #expect(try offset("pc", in: "struct ftrace_regs") == RegisterSetKind.ftraceRegs.programCounterOffset)
        #expect(try offset("fp", in: "struct ftrace_regs") == RegisterSetKind.ftraceRegs.generalRegisterOffset(29))
        #expect(try offset("lr", in: "struct ftrace_regs") == RegisterSetKind.ftraceRegs.generalRegisterOffset(30))
        #expect(RegisterSetKind.ftraceRegs.generalRegisterOffset(9) == nil)
    }
}
