import A64

extension CPUProfile {
    /// Neoverse N1: out-of-order, 8 issue pipes behind 4-wide dispatch, with LLVM 19's
    /// NeoverseN1Model as the instruction table.
    public static var neoverseN1: CPUProfile {
        let branchUnit: UInt16 = 1 << 0, single: UInt16 = 0b110, multiCycle: UInt16 = 1 << 3,
            loadStore: UInt16 = 0b11 << 4, storeData: UInt16 = 0b11 << 6
        let integer = single | multiCycle
        let td = "LLVM 19 AArch64SchedNeoverseN1.td"
        func cost(_ microOps: UInt8, _ latency: UInt8, _ uses: [PipeUse], wb: UInt8 = 1, second: UInt8? = nil,
                  _ what: String) -> ClassCost {
            ClassCost(microOps: microOps, latency: latency, secondLatency: second, writebackLatency: wb, uses: uses,
                      source: "\(td): \(what)")
        }
        let i = PipeUse(pipes: integer), m = PipeUse(pipes: multiCycle), l = PipeUse(pipes: loadStore),
            d = PipeUse(pipes: storeData), b = PipeUse(pipes: branchUnit)
        let system = cost(1, 1, [], "WriteSys/WriteBarrier/WriteHint use no pipe; the event cost is separate")
        let costs: [TimingClass: ClassCost] = [
            .aluBasic: cost(1, 1, [i], "WriteI → N1Write_1c_1I"),
            .aluShiftedCheap: cost(1, 1, [i], "WriteISReg, IsCheapLSL → N1Write_1c_1I"),
            .aluShiftedExpensive: cost(1, 2, [m], "WriteISReg, other shifts → N1Write_2c_1M"),
            .logicalShifted: cost(1, 1, [i], "(AND|BIC|EON|EOR|ORN|ORR)[WX]rs → N1Write_1c_1I"),
            .logicalShiftedSetFlags: cost(1, 2, [m], "(AND|BIC)S[WX]rs → N1Write_2c_1M"),
            .aluExtended: cost(1, 2, [m], "WriteIEReg → N1Write_2c_1M"),
            .bitfield: cost(1, 1, [i], "WriteIS → N1Write_1c_1I"),
            .bitfieldInsert: cost(1, 2, [m], "BFM[WX]ri → N1Write_2c_1M"),
            .variableShift: cost(1, 1, [i], "WriteIS → N1Write_1c_1I"),
            .extract: cost(2, 3, [i, m], "WriteExtr → N1Write_3c_1I_1M"),
            .rotateImmediate: cost(1, 1, [i], "WriteExtr, IsRORImmIdiomPred → N1Write_1c_1I"),
            .multiply32: cost(1, 2, [m], "WriteIM32 → N1Write_2c_1M"),
            .multiply64: cost(1, 4, [PipeUse(pipes: multiCycle, cycles: 3)], "WriteIM64 → N1Write_4c3_1M"),
            .multiplyLong: cost(1, 2, [m], "SMADDL/UMADDL (WriteIM32) → N1Write_2c_1M"),
            .multiplyHigh: cost(1, 5, [PipeUse(pipes: multiCycle, cycles: 3)], "SMULHrr/UMULHrr → N1Write_5c3_1M"),
            .divide32: cost(1, 12, [PipeUse(pipes: multiCycle, cycles: 5)], "WriteID32 → N1Write_12c5_1M"),
            .divide64: cost(1, 20, [PipeUse(pipes: multiCycle, cycles: 5)], "WriteID64 → N1Write_20c5_1M"),
            .load: cost(1, 4, [l], "WriteLD → N1Write_4c_1L"),
            .loadRegisterOffset: cost(1, 4, [l], "WriteLDIdx → N1Write_4c_1L"),
            .loadWriteback: cost(2, 4, [l, i], "WriteLD + WriteAdr (N1Write_1c_1I)"),
            .loadPair: cost(2, 4, [l, l], second: 4, "WriteLD + WriteLDHi (N1Write_4c_1L each)"),
            .loadPairWord: cost(1, 4, [l], second: 4, "LDPWi → N1Write_4c_1L + N1Write_0c_0Z"),
            .loadPairWriteback: cost(3, 4, [l, l, i], second: 4, "WriteLD + WriteLDHi + WriteAdr"),
            .loadExclusive: cost(1, 4, [l], "WriteLD → N1Write_4c_1L"),
            .store: cost(2, 1, [l, d], "WriteST → N1Write_1c_1L_1D"),
            .storeRegisterOffset: cost(2, 1, [l, d], "WriteSTIdx → N1Write_1c_1L_1D"),
            .storeWriteback: cost(3, 1, [l, d, i], "WriteAdr + WriteSTIdx (N1Write_1c_1L_1D)"),
            .storePair: cost(3, 1, [l, l, d], "WriteSTP → N1Write_1c_2L_1D"),
            .storePairWord: cost(2, 1, [l, d], "STPWi → N1Write_1c_1L_1D"),
            .storePairWriteback: cost(4, 1, [l, l, d, i], "WriteAdr + WriteSTP (N1Write_1c_2L_1D)"),
            .storeExclusive: cost(3, 5, [l, l, d], "WriteSTX: 2 L + D, status latency 5"),
            .prefetch: cost(1, 4, [l], "WriteLD → N1Write_4c_1L"),
            .branch: cost(1, 1, [b], "WriteBr → N1Write_1c_1B"),
            .branchConditional: cost(1, 1, [b], "WriteBr → N1Write_1c_1B"),
            .compareAndBranch: cost(1, 1, [b], "[CT]BN?Z → N1Write_1c_1B"),
            .branchIndirect: cost(1, 1, [b], "WriteBrReg → N1Write_1c_1B"),
            .call: cost(2, 1, [b, i], "BL → N1Write_1c_1B_1I"),
            .callIndirect: cost(2, 1, [b, i], "BLR → N1Write_1c_1B_1I"),
            .functionReturn: cost(1, 1, [b], "WriteBrReg → N1Write_1c_1B"),
            .hint: cost(1, 1, [], "WriteHint: no pipe"),
            .dataMemoryBarrier: system, .dataSynchronizationBarrier: system,
            .instructionSynchronizationBarrier: system, .systemRegisterRead: system,
            .systemRegisterWrite: system, .dataCacheMaintenance: system, .instructionCacheMaintenance: system,
            .exceptionGenerating: system, .exceptionReturn: cost(1, 1, [b], "ERET → WriteBrReg, N1UnitB"),
            .waitForEvent: system, .undefined: system,
        ]
        let estimate = "ProbeBench estimate (the Neoverse N1 Software Optimization Guide gives no figure)"
        return CPUProfile(
            name: "neoverse-n1",
            summary: "Neoverse N1: out-of-order, 8 issue pipes (LLVM 19 NeoverseN1Model; Neoverse N1 TRM, Arm 100616)",
            pipeline: .outOfOrder,
            issueWidth: Sourced(8, "\(td): IssueWidth = 8 (maximum micro-op dispatch rate)"),
            reorderWindow: Sourced(128, "\(td): MicroOpBufferSize = 128"),
            inOrderWriteback: Sourced(false, "out-of-order completion, in-order retirement"),
            pipes: ["B", "S0", "S1", "M", "L0", "L1", "D0", "D1"],
            classCosts: costs,
            forwarding: [],
            mispredictPenalty: Sourced(11, "\(td): MispredictPenalty = 11"),
            returnStackDepth: Sourced(16, "\(estimate): return stack size is not published"),
            branchTargetBufferEntries: Sourced(6144, "\(estimate): main BTB of about 6K entries per Arm's public N1 disclosures"),
            conditionalPredictorEntries: Sourced(8192, "\(estimate): stand-in for the hybrid conditional predictor"),
            globalHistoryBits: Sourced(12, "\(estimate): stand-in for the hybrid conditional predictor"),
            instructionCache: Sourced(CacheGeometry(kilobytes: 64, ways: 4), "Neoverse N1 TRM (100616): L1 instruction cache 64 KB 4-way, 64-byte lines"),
            dataCache: Sourced(CacheGeometry(kilobytes: 64, ways: 4), "Neoverse N1 TRM (100616): L1 data cache 64 KB 4-way, 64-byte lines"),
            missLatency: Sourced(11, "\(estimate): load-to-use of the private L2"),
            exceptionEntry: Sourced(22, "\(estimate): two pipeline flushes (2 × mispredict penalty): redirect to the vector plus the PSTATE/ELR/SPSR update"),
            exceptionReturn: Sourced(14, "\(estimate): one pipeline flush (mispredict penalty) plus 3 cycles of PSTATE restore"),
            instructionBarrier: Sourced(11, "\(estimate): one pipeline flush and refetch (mispredict penalty)"),
            dataSynchronizationBarrier: Sourced(11, "\(estimate): drain, then a round trip to L2 (miss latency)"),
            dataMemoryBarrier: Sourced(5, "\(estimate): drain of the store buffer behind a completed window"),
            systemRegisterRead: Sourced(2, "\(estimate): MRS is executed in order from the system block"),
            systemRegisterWrite: Sourced(11, "\(estimate): MSR of a context register synchronises like an ISB"),
            dataCacheMaintenance: Sourced(11, "\(estimate): clean by VA to the point of unification is one L2 write (miss latency)"),
            instructionCacheMaintenance: Sourced(11, "\(estimate): invalidate by VA to the point of unification is one L2 round trip (miss latency)"))
    }
}
