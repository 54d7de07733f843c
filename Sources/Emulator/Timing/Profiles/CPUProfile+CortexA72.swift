import A64

extension CPUProfile {
    /// Cortex-A72: out-of-order, 3-wide dispatch. LLVM models it with CortexA57Model (the A72 is
    /// an evolution of the A57 with the same pipes), so that is the instruction table here.
    public static var cortexA72: CPUProfile {
        let branchUnit: UInt16 = 1 << 0, integer: UInt16 = 0b110, multiCycle: UInt16 = 1 << 3,
            loadUnit: UInt16 = 1 << 4, storeUnit: UInt16 = 1 << 5
        let td = "LLVM 19 AArch64SchedA57.td (CortexA57Model, used for cortex-a72)"
        func cost(_ microOps: UInt8, _ latency: UInt8, _ uses: [PipeUse], wb: UInt8 = 1, second: UInt8? = nil,
                  _ what: String) -> ClassCost {
            ClassCost(microOps: microOps, latency: latency, secondLatency: second, writebackLatency: wb, uses: uses,
                      source: "\(td): \(what)")
        }
        let i = PipeUse(pipes: integer), m = PipeUse(pipes: multiCycle), l = PipeUse(pipes: loadUnit),
            s = PipeUse(pipes: storeUnit), b = PipeUse(pipes: branchUnit)
        let system = cost(1, 1, [], "WriteSys/WriteBarrier/WriteHint use no pipe; the event cost is separate")
        let costs: [TimingClass: ClassCost] = [
            .aluBasic: cost(1, 1, [i], "WriteI → A57Write_1cyc_1I"),
            .aluShiftedCheap: cost(1, 2, [m], "WriteISReg → A57Write_2cyc_1M"),
            .aluShiftedExpensive: cost(1, 2, [m], "WriteISReg → A57Write_2cyc_1M"),
            .logicalShifted: cost(1, 2, [m], "WriteISReg → A57Write_2cyc_1M"),
            .logicalShiftedSetFlags: cost(1, 2, [m], "WriteISReg → A57Write_2cyc_1M"),
            .aluExtended: cost(1, 2, [m], "WriteIEReg → A57Write_2cyc_1M"),
            .bitfield: cost(1, 1, [i], "WriteIS → A57Write_1cyc_1I"),
            .bitfieldInsert: cost(1, 2, [m], "BFM → A57Write_2cyc_1M"),
            .variableShift: cost(1, 1, [i], "WriteIS → A57Write_1cyc_1I"),
            .extract: cost(2, 3, [i, m], "EXTRXrri → A57Write_3cyc_1I_1M"),
            .rotateImmediate: cost(2, 3, [i, m], "EXTRXrri → A57Write_3cyc_1I_1M"),
            .multiply32: cost(1, 3, [m], "WriteIM32: A57UnitM, latency 3"),
            .multiply64: cost(1, 5, [m], "WriteIM64: A57UnitM, latency 5"),
            .multiplyLong: cost(1, 3, [m], "WriteIM32 (SMADDL/UMADDL): A57UnitM, latency 3"),
            .multiplyHigh: cost(1, 6, [m], "SMULHrr/UMULHrr → A57Write_6cyc_1M"),
            .divide32: cost(1, 19, [PipeUse(pipes: multiCycle, cycles: 19)], "WriteID32 → A57Write_19cyc_1M"),
            .divide64: cost(1, 35, [PipeUse(pipes: multiCycle, cycles: 35)], "WriteID64 → A57Write_35cyc_1M"),
            .load: cost(1, 4, [l], "WriteLD → A57Write_4cyc_1L"),
            .loadRegisterOffset: cost(2, 4, [i, l], "WriteLDIdx → A57Write_4cyc_1I_1L"),
            .loadWriteback: cost(2, 4, [i, l], "WriteLD + WriteAdr (A57Write_1cyc_1I)"),
            .loadPair: cost(2, 4, [l], second: 4, "WriteLD (A57Write_4cyc_1L) + WriteLDHi (latency 4)"),
            .loadPairWord: cost(2, 4, [l], second: 4, "WriteLD (A57Write_4cyc_1L) + WriteLDHi (latency 4)"),
            .loadPairWriteback: cost(3, 4, [i, l], second: 4, "WriteAdr + WriteLD + WriteLDHi"),
            .loadExclusive: cost(1, 4, [l], "WriteLD → A57Write_4cyc_1L"),
            .store: cost(1, 1, [s], "WriteST → A57Write_1cyc_1S"),
            .storeRegisterOffset: cost(2, 1, [i, s], "WriteSTIdx → A57Write_1cyc_1I_1S"),
            .storeWriteback: cost(3, 1, [i, i, s], "STRXpost/pre → WriteAdr + A57Write_1cyc_1I_1S"),
            .storePair: cost(2, 2, [PipeUse(pipes: storeUnit, cycles: 2)], "STPXi → A57Write_2cyc_2S"),
            .storePairWord: cost(1, 1, [s], "WriteSTP → A57Write_1cyc_1S"),
            .storePairWriteback: cost(4, 2, [i, i, PipeUse(pipes: storeUnit, cycles: 2)], "STPXpre/post → WriteAdr + A57Write_2cyc_1I_2S"),
            .storeExclusive: cost(2, 5, [l, s], "WriteSTX: L + S, status latency 5"),
            .prefetch: cost(1, 4, [l], "WriteLD → A57Write_4cyc_1L"),
            .branch: cost(1, 1, [b], "WriteBr → A57Write_1cyc_1B"),
            .branchConditional: cost(1, 1, [b], "WriteBr → A57Write_1cyc_1B"),
            .compareAndBranch: cost(1, 1, [b], "WriteBr → A57Write_1cyc_1B"),
            .branchIndirect: cost(1, 1, [b], "WriteBrReg → A57Write_1cyc_1B"),
            .call: cost(2, 1, [b, i], "BL → A57Write_1cyc_1B_1I"),
            .callIndirect: cost(2, 2, [b, i], "BLR → A57Write_2cyc_1B_1I"),
            .functionReturn: cost(1, 1, [b], "WriteBrReg → A57Write_1cyc_1B"),
            .hint: cost(1, 1, [], "WriteHint: no pipe"),
            .dataMemoryBarrier: system, .dataSynchronizationBarrier: system,
            .instructionSynchronizationBarrier: system, .systemRegisterRead: system,
            .systemRegisterWrite: system, .dataCacheMaintenance: system, .instructionCacheMaintenance: system,
            .exceptionGenerating: system, .exceptionReturn: cost(1, 1, [b], "ERET → WriteBrReg, A57UnitB"),
            .waitForEvent: system, .undefined: system,
        ]
        let estimate = "ProbeBench estimate (the Cortex-A72 Software Optimization Guide gives no figure)"
        return CPUProfile(
            name: "cortex-a72",
            summary: "Cortex-A72: out-of-order, 3-wide (LLVM 19 CortexA57Model; Cortex-A72 TRM, Arm 100095)",
            pipeline: .outOfOrder,
            issueWidth: Sourced(3, "\(td): IssueWidth = 3 (3-way decode and dispatch)"),
            reorderWindow: Sourced(128, "\(td): MicroOpBufferSize = 128"),
            inOrderWriteback: Sourced(false, "out-of-order completion, in-order retirement"),
            pipes: ["B", "I0", "I1", "M", "L", "S"],
            classCosts: costs,
            forwarding: [
                Forwarding(.accumulator, cycles: 2, onlyFromMultiply: true,
                           source: "\(td): ReadAdvance<ReadIMA, 2, [WriteIM32, WriteIM64]>"),
            ],
            mispredictPenalty: Sourced(14, "\(td): MispredictPenalty = 14 (fetch + decode/rename/dispatch + branch)"),
            returnStackDepth: Sourced(16, "\(estimate): return stack size is not published"),
            branchTargetBufferEntries: Sourced(2048, "\(estimate): the TRM names a BTB without giving its size"),
            conditionalPredictorEntries: Sourced(4096, "\(estimate): stand-in for the 2-level dynamic predictor (TRM)"),
            globalHistoryBits: Sourced(10, "\(estimate): stand-in for the 2-level dynamic predictor (TRM)"),
            instructionCache: Sourced(CacheGeometry(kilobytes: 48, ways: 3), "Cortex-A72 TRM (100095), Instruction fetch: 48 KB 3-way, 64-byte lines"),
            dataCache: Sourced(CacheGeometry(kilobytes: 32, ways: 2), "Cortex-A72 TRM (100095), Load/Store unit: 32 KB 2-way, 64-byte lines"),
            missLatency: Sourced(20, "\(estimate): L2 hit latency of the A72 cluster's shared L2"),
            exceptionEntry: Sourced(28, "\(estimate): two pipeline flushes (2 × mispredict penalty): redirect to the vector plus the PSTATE/ELR/SPSR update"),
            exceptionReturn: Sourced(17, "\(estimate): one pipeline flush (mispredict penalty) plus 3 cycles of PSTATE restore"),
            instructionBarrier: Sourced(14, "\(estimate): one pipeline flush and refetch (mispredict penalty)"),
            dataSynchronizationBarrier: Sourced(20, "\(estimate): drain, then a round trip to L2 (miss latency)"),
            dataMemoryBarrier: Sourced(6, "\(estimate): drain of the store buffer behind a completed window"),
            systemRegisterRead: Sourced(3, "\(estimate): MRS is executed in order from the system block"),
            systemRegisterWrite: Sourced(14, "\(estimate): MSR of a context register synchronises like an ISB"),
            dataCacheMaintenance: Sourced(20, "\(estimate): clean by VA to the point of unification is one L2 write (miss latency)"),
            instructionCacheMaintenance: Sourced(20, "\(estimate): invalidate by VA to the point of unification is one L2 round trip (miss latency)"))
    }
}
