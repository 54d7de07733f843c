/* BRK immediates, one per user (as arm64's asm/brk-imm.h). */
#ifndef PB_BRK_H
#define PB_BRK_H

#define PB_BRK_IMM_KPROBE        0x004  /* kprobe-xol / kprobe-ss probe point */
#define PB_BRK_IMM_KPROBE_SIM    0x005  /* kprobe-sim probe point: entry leaves PB_SIM_STACK_GAP */
#define PB_BRK_IMM_KPROBE_SS     0x006  /* second BRK closing an XOL slot */
#define PB_BRK_IMM_KRETPROBE     0x007  /* kretprobe-brk return trampoline */
#define PB_BRK_IMM_TEST          0x100  /* self-test */

#endif
