import A64

extension CPUProfile {
    /// Cortex-A53: in-order, dual issue, with LLVM 19's CortexA53Model as the instruction table.
    public static var cortexA53: CPUProfile {
        let alu: UInt16 = 0b11, mac: UInt16 = 1 << 2, divider: UInt16 = 1 << 3, loadStore: UInt16 = 1 << 4,
            branchUnit: UInt16 = 1 << 5
        let td = "LLVM 19 AArch64SchedA53.td"
        func cost(_ microOps: UInt8, _ latency: UInt8, _ uses: [PipeUse], wb: UInt8 = 0, second: UInt8? = nil,
                  _ what: String) -> ClassCost {
            ClassCost(microOps: microOps, latency: latency, secondLatency: second, writebackLatency: wb, uses: uses,
                      source: "\(td): \(what)")
        }
        let aluUse = [PipeUse(pipes: alu)], macUse = [PipeUse(pipes: mac)], memory = [PipeUse(pipes: loadStore)],
            memoryTwice = [PipeUse(pipes: loadStore, cycles: 2)], branchUse = [PipeUse(pipes: branchUnit)]
        let system = cost(1, 1, branchUse, "WriteSys/WriteBarrier/WriteHint on A53UnitB; the event cost is separate")
        let costs: [TimingClass: ClassCost] = [
            .aluBasic: cost(1, 3, aluUse, "WriteI/WriteImm, A53UnitALU, latency 3"),
            .aluShiftedCheap: cost(1, 3, aluUse, "WriteISReg, A53UnitALU, latency 3"),
            .aluShiftedExpensive: cost(1, 3, aluUse, "WriteISReg, A53UnitALU, latency 3"),
            .logicalShifted: cost(1, 3, aluUse, "WriteISReg, A53UnitALU, latency 3"),
            .logicalShiftedSetFlags: cost(1, 3, aluUse, "WriteISReg, A53UnitALU, latency 3"),
            .aluExtended: cost(1, 3, aluUse, "WriteIEReg, A53UnitALU, latency 3"),
            .bitfield: cost(1, 2, aluUse, "WriteIS, A53UnitALU, latency 2"),
            .bitfieldInsert: cost(1, 2, aluUse, "WriteIS, A53UnitALU, latency 2"),
            .variableShift: cost(1, 2, aluUse, "WriteIS, A53UnitALU, latency 2"),
            .extract: cost(1, 3, aluUse, "WriteExtr, A53UnitALU, latency 3"),
            .rotateImmediate: cost(1, 3, aluUse, "WriteExtr, A53UnitALU, latency 3"),
            .multiply32: cost(1, 4, macUse, "WriteIM32, A53UnitMAC, latency 4"),
            .multiply64: cost(1, 4, macUse, "WriteIM64, A53UnitMAC, latency 4"),
            .multiplyLong: cost(1, 4, macUse, "WriteIM64, A53UnitMAC, latency 4"),
            .multiplyHigh: cost(1, 4, macUse, "WriteIM64, A53UnitMAC, latency 4"),
            .divide32: cost(1, 4, [PipeUse(pipes: divider)], "WriteID32, A53UnitDiv, latency 4"),
            .divide64: cost(1, 4, [PipeUse(pipes: divider)], "WriteID64, A53UnitDiv, latency 4"),
            .load: cost(1, 4, memory, "WriteLD, A53UnitLdSt, latency 4"),
            .loadRegisterOffset: cost(1, 4, memory, "WriteLDIdx, A53UnitLdSt, latency 4"),
            .loadWriteback: cost(2, 4, memory, "WriteLD + WriteAdr (latency 0: address update in AGU)"),
            .loadPair: cost(2, 4, memoryTwice, second: 4, "WriteLD + WriteLDHi, A53UnitLdSt twice, latency 4"),
            .loadPairWord: cost(2, 4, memoryTwice, second: 4, "WriteLD + WriteLDHi, A53UnitLdSt twice, latency 4"),
            .loadPairWriteback: cost(3, 4, memoryTwice, second: 4, "WriteAdr + WriteLD + WriteLDHi, A53UnitLdSt twice"),
            .loadExclusive: cost(1, 4, memory, "WriteLD, A53UnitLdSt, latency 4"),
            .store: cost(1, 4, memory, "WriteST, A53UnitLdSt, latency 4"),
            .storeRegisterOffset: cost(1, 4, memory, "WriteSTIdx, A53UnitLdSt, latency 4"),
            .storeWriteback: cost(2, 4, memory, "WriteAdr + WriteST, A53UnitLdSt"),
            .storePair: cost(1, 4, memory, "WriteSTP, A53UnitLdSt, latency 4"),
            .storePairWord: cost(1, 4, memory, "WriteSTP, A53UnitLdSt, latency 4"),
            .storePairWriteback: cost(2, 4, memory, "WriteAdr + WriteSTP, A53UnitLdSt"),
            .storeExclusive: cost(2, 8, memoryTwice, "WriteSTX (status) + WriteST: A53UnitLdSt twice, status latency 8"),
            .prefetch: cost(1, 4, memory, "WriteLD, A53UnitLdSt"),
            .branch: cost(1, 1, branchUse, "WriteBr, A53UnitB"),
            .branchConditional: cost(1, 1, branchUse, "WriteBr, A53UnitB"),
            .compareAndBranch: cost(1, 1, branchUse, "WriteBr, A53UnitB"),
            .branchIndirect: cost(1, 1, branchUse, "WriteBrReg, A53UnitB"),
            .call: cost(1, 1, branchUse, "WriteBr, A53UnitB"),
            .callIndirect: cost(1, 1, branchUse, "WriteBrReg, A53UnitB"),
            .functionReturn: cost(1, 1, branchUse, "WriteBrReg, A53UnitB"),
            .hint: cost(1, 1, branchUse, "WriteHint, A53UnitB"),
            .dataMemoryBarrier: system, .dataSynchronizationBarrier: system,
            .instructionSynchronizationBarrier: system, .systemRegisterRead: system,
            .systemRegisterWrite: system, .dataCacheMaintenance: system, .instructionCacheMaintenance: system,
            .exceptionGenerating: system, .exceptionReturn: system, .waitForEvent: system, .undefined: system,
        ]
        let estimate = "ProbeBench estimate (Arm publishes no figure for Cortex-A53)"
        return CPUProfile(
            name: "cortex-a53",
            summary: "Cortex-A53: in-order, dual issue (LLVM 19 CortexA53Model; Cortex-A53 TRM, Arm DDI 0500)",
            pipeline: .inOrder,
            issueWidth: Sourced(2, "\(td): CortexA53Model IssueWidth = 2"),
            reorderWindow: Sourced(0, "\(td): CortexA53Model MicroOpBufferSize = 0 (in-order)"),
            inOrderWriteback: Sourced(true, "llvm-mca in-order issue: results write back in program order (RetireOOO unset)"),
            pipes: ["ALU0", "ALU1", "MAC", "DIV", "LDST", "BR"],
            classCosts: costs,
            forwarding: [
                Forwarding(.operand, cycles: 2, source: "\(td): ReadAdvance<ReadI, 2> from integer writes"),
                Forwarding(.shiftedOperand, cycles: 1, source: "\(td): A53ReadShifted, SchedReadAdvance<1>"),
                Forwarding(.multiplicand, cycles: 1, source: "\(td): ReadAdvance<ReadIM, 1>"),
                Forwarding(.accumulator, cycles: 2, source: "\(td): ReadAdvance<ReadIMA, 2>"),
                Forwarding(.divideOperand, cycles: 1, source: "\(td): ReadAdvance<ReadID, 1>"),
            ],
            mispredictPenalty: Sourced(9, "\(td): MispredictPenalty = 9 (Cortex-A53 Software Optimisation Specification)"),
            returnStackDepth: Sourced(8, "\(estimate): an 8-entry return stack, as in Arm's small in-order cores"),
            branchTargetBufferEntries: Sourced(256, "Cortex-A53 TRM (DDI 0500), Instruction Fetch Unit: 256-entry BTAC for indirect branches"),
            conditionalPredictorEntries: Sourced(4096, "\(estimate): stand-in for the global-history predictor"),
            globalHistoryBits: Sourced(8, "\(estimate): stand-in for the global-history predictor"),
            instructionCache: Sourced(CacheGeometry(kilobytes: 32, ways: 2), "Cortex-A53 TRM (DDI 0500): L1 I-cache 2-way, 64-byte lines, 8–64 KiB (32 KiB chosen)"),
            dataCache: Sourced(CacheGeometry(kilobytes: 32, ways: 4), "Cortex-A53 TRM (DDI 0500): L1 D-cache 4-way, 64-byte lines, 8–64 KiB (32 KiB chosen)"),
            missLatency: Sourced(13, "\(estimate): L2 hit latency of an in-order A53 cluster"),
            exceptionEntry: Sourced(18, "\(estimate): two pipeline flushes (2 × mispredict penalty): redirect to the vector plus the PSTATE/ELR/SPSR update"),
            exceptionReturn: Sourced(12, "\(estimate): one pipeline flush (mispredict penalty) plus 3 cycles of PSTATE restore"),
            instructionBarrier: Sourced(9, "\(estimate): one pipeline flush and refetch (mispredict penalty)"),
            dataSynchronizationBarrier: Sourced(13, "\(estimate): drain, then a round trip to L2 (miss latency)"),
            dataMemoryBarrier: Sourced(4, "\(estimate): drain of the store buffer behind a completed pipeline"),
            systemRegisterRead: Sourced(2, "\(estimate): MRS reads a register in the system block, one cycle more than an ALU op"),
            systemRegisterWrite: Sourced(9, "\(estimate): MSR of a context register synchronises like an ISB"),
            dataCacheMaintenance: Sourced(13, "\(estimate): clean by VA to the point of unification is one L2 write (miss latency)"),
            instructionCacheMaintenance: Sourced(13, "\(estimate): invalidate by VA to the point of unification is one L2 round trip (miss latency)"))
    }
}
