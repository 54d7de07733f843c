/// The straight-line blocks compared with llvm-mca: the save and restore sequences of ftrace-style
/// trampolines, exception-entry register saves, prologues and epilogues of small C functions,
/// dependency chains, load-use pairs, store bursts, multiply and divide chains, shifted and
/// extended ALU mixes, conditional-select chains.
///
/// Bodies keep X28 (the loop counter) and the pointer registers they address through intact.
///
/// Blocks marked `principledDifference` are expected to differ, and count as misses:
/// - `barrier-and-publish` and `dsb-isb-sync`: llvm-mca charges DMB, DSB and ISB one cycle with
///   no pipe and lets later instructions pass them; on the cores a barrier waits for earlier
///   instructions (DSB, ISB: all of them) and ISB refetches, so we cost them from the profile
///   (drain plus `dataMemoryBarrier` / `dataSynchronizationBarrier` / `instructionBarrier`).
/// - `cache-maintenance`: llvm-mca charges DC CVAU and IC IVAU one cycle; we charge the
///   profile's cache-maintenance cost after the pipeline drains (a clean or invalidate to the
///   point of unification is a round trip to L2 on these cores).
struct AgreementBlock: Sendable {
    let name: String
    let body: [String]
    var principledDifference = false
}

enum AgreementCorpus {
    static let blocks: [AgreementBlock] = [
        AgreementBlock(name: "ftrace-args-save", body: [
            "sub sp, sp, #112",
            "stp x0, x1, [sp]", "stp x2, x3, [sp, #16]", "stp x4, x5, [sp, #32]", "stp x6, x7, [sp, #48]",
            "str x8, [sp, #64]", "str x29, [sp, #72]", "str x30, [sp, #80]",
            "add x10, sp, #112", "str x10, [sp, #88]", "str x9, [sp, #96]",
            "stp x29, x9, [sp, #-16]!", "mov x29, sp",
            "add sp, sp, #128",
        ]),
        AgreementBlock(name: "ftrace-args-restore", body: [
            "sub sp, sp, #112",
            "ldp x0, x1, [sp]", "ldp x2, x3, [sp, #16]", "ldp x4, x5, [sp, #32]", "ldp x6, x7, [sp, #48]",
            "ldr x8, [sp, #64]", "ldr x29, [sp, #72]", "ldr x30, [sp, #80]", "ldr x9, [sp, #96]",
            "add sp, sp, #112",
        ]),
        AgreementBlock(name: "ftrace-regs-save", body: [
            "sub sp, sp, #336",
            "stp x0, x1, [sp]", "stp x2, x3, [sp, #16]", "stp x4, x5, [sp, #32]", "stp x6, x7, [sp, #48]",
            "stp x8, x9, [sp, #64]", "stp x10, x11, [sp, #80]", "stp x12, x13, [sp, #96]",
            "stp x14, x15, [sp, #112]", "stp x16, x17, [sp, #128]", "stp x18, x19, [sp, #144]",
            "stp x20, x21, [sp, #160]", "stp x22, x23, [sp, #176]", "stp x24, x25, [sp, #192]",
            "stp x26, x27, [sp, #208]", "stp x28, x29, [sp, #224]", "str x30, [sp, #240]",
            "add x10, sp, #336", "str x10, [sp, #248]", "str x9, [sp, #256]", "str x30, [sp, #264]",
            "add sp, sp, #336",
        ]),
        AgreementBlock(name: "ftrace-regs-restore", body: [
            "sub sp, sp, #336",
            "ldp x0, x1, [sp]", "ldp x2, x3, [sp, #16]", "ldp x4, x5, [sp, #32]", "ldp x6, x7, [sp, #48]",
            "ldp x8, x9, [sp, #64]", "ldp x10, x11, [sp, #80]", "ldp x12, x13, [sp, #96]",
            "ldp x14, x15, [sp, #112]", "ldp x16, x17, [sp, #128]", "ldp x18, x19, [sp, #144]",
            "ldp x20, x21, [sp, #160]", "ldp x22, x23, [sp, #176]", "ldp x24, x25, [sp, #192]",
            "ldp x26, x27, [sp, #208]", "ldr x29, [sp, #232]", "ldr x30, [sp, #240]", "ldr x9, [sp, #256]",
            "add sp, sp, #336",
        ]),
        AgreementBlock(name: "exception-entry-save", body: [
            "sub sp, sp, #336",
            "stp x0, x1, [sp]", "stp x2, x3, [sp, #16]", "stp x4, x5, [sp, #32]", "stp x6, x7, [sp, #48]",
            "stp x29, x30, [sp, #232]",
            "add x21, sp, #336", "mrs x22, elr_el1", "mrs x23, spsr_el1",
            "stp x21, x22, [sp, #248]", "str x23, [sp, #264]",
            "add sp, sp, #336",
        ]),
        AgreementBlock(name: "prologue-epilogue-leaf-frame", body: [
            "stp x29, x30, [sp, #-32]!", "mov x29, sp", "str x19, [sp, #16]",
            "mov x19, x0", "add x0, x19, #1",
            "ldr x19, [sp, #16]", "ldp x29, x30, [sp], #32",
        ]),
        AgreementBlock(name: "prologue-epilogue-two-pairs", body: [
            "stp x29, x30, [sp, #-48]!", "mov x29, sp", "stp x19, x20, [sp, #16]", "stp x21, x22, [sp, #32]",
            "mov x19, x0", "mov x20, x1", "add x21, x19, x20", "eor x22, x21, x19",
            "ldp x21, x22, [sp, #32]", "ldp x19, x20, [sp, #16]", "ldp x29, x30, [sp], #48",
        ]),
        AgreementBlock(name: "prologue-epilogue-locals", body: [
            "sub sp, sp, #64", "stp x29, x30, [sp, #48]", "add x29, sp, #48",
            "str x0, [sp, #8]", "str w1, [sp, #4]", "ldr x2, [sp, #8]", "ldr w3, [sp, #4]",
            "ldp x29, x30, [sp, #48]", "add sp, sp, #64",
        ]),
        AgreementBlock(name: "add-dependency-chain", body: [
            "add x0, x0, #1", "add x0, x0, #2", "add x0, x0, #3", "add x0, x0, #4",
            "add x0, x0, #5", "add x0, x0, #6", "add x0, x0, #7", "add x0, x0, #8",
        ]),
        AgreementBlock(name: "mixed-alu-chain", body: [
            "add x1, x1, x2", "eor x1, x1, x3", "and x1, x1, x4", "orr x1, x1, x5",
            "sub x1, x1, x6", "lsr x1, x1, #1", "add x1, x1, #9",
        ]),
        AgreementBlock(name: "independent-alu", body: [
            "add x0, x1, #1", "add x2, x3, #2", "sub x4, x5, #3", "orr x6, x7, #1",
            "eor x8, x9, #3", "and x10, x11, #7", "add x12, x13, x14", "sub x15, x16, x17",
        ]),
        AgreementBlock(name: "load-use-pairs", body: [
            "ldr x0, [x1]", "add x2, x0, #1", "ldr x3, [x4, #8]", "add x5, x3, #1",
            "ldr x6, [x7, #16]", "add x8, x6, #1",
        ]),
        AgreementBlock(name: "pointer-chase", body: [
            "ldr x1, [x1]", "ldr x1, [x1]", "ldr x1, [x1]", "ldr x1, [x1]",
        ]),
        AgreementBlock(name: "store-burst", body: [
            "str x0, [x1]", "str x2, [x1, #8]", "str x3, [x1, #16]", "str x4, [x1, #24]",
            "str x5, [x1, #32]", "str x6, [x1, #40]", "str x7, [x1, #48]", "str x8, [x1, #56]",
        ]),
        AgreementBlock(name: "store-pair-burst", body: [
            "stp x0, x2, [x1]", "stp x3, x4, [x1, #16]", "stp x5, x6, [x1, #32]",
            "stp x7, x8, [x1, #48]", "stp x9, x10, [x1, #64]", "stp x11, x12, [x1, #80]",
        ]),
        AgreementBlock(name: "load-pair-burst", body: [
            "ldp x0, x2, [x1]", "ldp x3, x4, [x1, #16]", "ldp x5, x6, [x1, #32]", "ldp x7, x8, [x1, #48]",
        ]),
        AgreementBlock(name: "multiply-chain", body: [
            "mul x0, x0, x1", "mul x0, x0, x2", "mul x0, x0, x3", "mul x0, x0, x4",
        ]),
        AgreementBlock(name: "multiply-accumulate-chain", body: [
            "madd x0, x1, x2, x0", "madd x0, x3, x4, x0", "madd x0, x5, x6, x0", "madd x0, x7, x8, x0",
        ]),
        AgreementBlock(name: "independent-multiplies", body: [
            "mul w0, w1, w2", "mul w3, w4, w5", "smaddl x6, w7, w8, x9", "umulh x10, x11, x12",
        ]),
        AgreementBlock(name: "divide-chain-64", body: [
            "udiv x0, x0, x1", "udiv x0, x0, x2", "add x0, x0, #1",
        ]),
        AgreementBlock(name: "divide-mix-32", body: [
            "sdiv w0, w1, w2", "udiv w3, w4, w5", "add w6, w0, w3",
        ]),
        AgreementBlock(name: "shifted-alu-mix", body: [
            "add x0, x1, x2, lsl #3", "add x3, x4, x5, lsr #7", "orr x6, x7, x8, lsl #12",
            "eor x9, x10, x11, asr #2", "sub x12, x13, x14, lsl #2", "add x15, x0, x3, lsl #1",
        ]),
        AgreementBlock(name: "extended-alu-mix", body: [
            "add x0, x1, w2, uxtw", "add x3, x4, w5, sxtw #2", "sub x6, x7, w8, uxtb",
            "add x9, x0, w3, uxth #1",
        ]),
        AgreementBlock(name: "csel-chain", body: [
            "cmp x0, x1", "csel x2, x3, x4, eq", "cmp x2, x5", "csel x6, x2, x7, ne",
            "cmp x6, #3", "cset x8, hi", "csinc x9, x8, x6, lt",
        ]),
        AgreementBlock(name: "bitfield-mix", body: [
            "ubfx x0, x1, #4, #8", "lsl x2, x3, #3", "bfi x4, x5, #8, #4", "sxtw x6, w7",
            "lsr x8, x0, #2", "ubfiz x9, x2, #1, #6",
        ]),
        AgreementBlock(name: "register-offset-loads", body: [
            "mov x3, #2", "ldr x0, [x1, x3, lsl #3]", "ldr x4, [x1, x3]", "ldr w5, [x1, w3, uxtw #2]",
            "add x6, x0, x4",
        ]),
        AgreementBlock(name: "post-index-walk", body: [
            "ldr x0, [x1], #8", "ldr x2, [x1], #8", "ldr x3, [x1], #8", "ldr x4, [x1], #8",
            "sub x1, x1, #32",
        ]),
        AgreementBlock(name: "ops-list-walk", body: [
            "ldr x2, [x1]", "ldr x3, [x2, #8]", "cmp x3, x4", "csel x5, x2, x6, eq",
            "ldr x7, [x5, #16]", "add x8, x7, #1",
        ]),
        AgreementBlock(name: "argument-shuffle", body: [
            "mov x19, x0", "mov x20, x1", "mov x0, x2", "mov x1, x3", "mov x2, x19", "mov x3, x20",
        ]),
        AgreementBlock(name: "graph-shadow-stack-push", body: [
            "ldr x10, [x1]", "add x11, x10, #16", "str x30, [x10]", "str x29, [x10, #8]", "str x11, [x1]",
        ]),
        AgreementBlock(name: "call-ops-pointer-load", body: [
            "ldr x11, [x30, #-8]", "ldr x12, [x11, #16]", "add x13, x12, #1", "str x13, [x14]",
        ]),
        AgreementBlock(name: "count-handler", body: [
            "ldr x0, [x1]", "add x0, x0, #1", "str x0, [x1]",
        ]),
        AgreementBlock(name: "frame-record-walk", body: [
            "ldp x29, x30, [x29]", "ldp x29, x30, [x29]", "ldp x29, x30, [x29]",
        ]),
        AgreementBlock(name: "barrier-and-publish", body: [
            "str x0, [x1]", "dmb ish", "str x2, [x1, #8]", "ldr x3, [x4]",
        ], principledDifference: true),
        AgreementBlock(name: "dsb-isb-sync", body: [
            "str x0, [x1]", "dsb ish", "isb", "add x2, x3, #1",
        ], principledDifference: true),
        AgreementBlock(name: "cache-maintenance", body: [
            "str x0, [x1]", "dc cvau, x1", "ic ivau, x4", "add x2, x3, #1",
        ], principledDifference: true),
    ]
}
