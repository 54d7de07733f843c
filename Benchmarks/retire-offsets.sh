#!/usr/bin/env bash
# Where each cycle model's retire loop starts within a 64-byte line, and where fast-forward's
# dispatch sequence lies in one, for each binary given (the benchmark executable, `bench`, or a
# ThroughputProbe library). Code linked before them moves them, differently in each binary: the
# same cortex-a72 retire loop ran the suite mix about 5% slower at +0x00 than at +0x10, +0x20 or
# +0x30, and fast-forward ran about a third slower with the same code where its dispatch
# sequence (the micro-op's kind loaded, through `jmp *`) crosses into the next line
# (Benchmarks/PERFORMANCE.md, "The retire loop's place in a cache line", "The executor's place,
# for fast-forward"). So read a throughput figure, or a ratio between two builds, with these.
#
#   Benchmarks/retire-offsets.sh BINARY...
#       e.g. .build/release/EmulatorThroughput .build/release/bench
#
# Prints one line per binary: "<binary>  OutOfOrder retire +0xNN  InOrder retire +0xNN  dispatch
# +0xNN..+0xNN" (", crosses a line" when it does). Needs nm and objdump (binutils); prints nothing
# for a binary nm cannot read or that holds no emulator.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
for tool in nm objdump; do
    command -v "$tool" >/dev/null || { echo "retire-offsets: $tool not found (Debian: apt-get install binutils)" >&2; exit 1; }
done
# The fast-forward executor's dispatch sequence: the block that ends in its first indirect jump
# (the switch's jump table), from the instruction after the branch before it. Prints
# "  dispatch +0xNN..+0xNN" (its first byte's and its last byte's offsets in their lines).
dispatch() {
    local binary="$1" address
    address=$(nm "$binary" 2>/dev/null \
        | awk '$3 ~ /executeBlocks.*AtomicmN0V_AA010AnywhereInJ0VTg5/ { print $1; exit }' || true)
    [ -n "$address" ] || return 0
    # awk's exit stops objdump early (SIGPIPE): not an error.
    objdump -d --no-show-raw-insn --start-address=0x"$address" --stop-address=$(( 0x$address + 0x1000 )) \
        "$binary" 2>/dev/null | awk '
        function hex(text,   i, value) {
            value = 0
            for (i = 1; i <= length(text); i++) value = value * 16 + index("0123456789abcdef", substr(text, i, 1)) - 1
            return value
        }
        /^ *[0-9a-f]+:/ {
            split($1, field, ":"); at = hex(field[1])
            if (afterBranch) start = at
            afterBranch = ($2 ~ /^j/)
            if ($2 == "jmp" && $3 ~ /^\*%r/) {
                # Its last byte: jmp *%rax is 2 bytes, jmp *%r8 to *%r15 3 (a REX prefix).
                end = at + ($3 ~ /^\*%r[0-9]/ ? 2 : 1)
                crosses = int(start / 64) != int(end / 64) ? ", crosses a line" : ""
                printf "  dispatch +0x%02x..+0x%02x%s", start % 64, end % 64, crosses
                exit
            }
        }' || true
}
for binary in "$@"; do
    line=""
    for model in OutOfOrder InOrder; do
        address=$(nm "$binary" 2>/dev/null | awk -v model="$model" \
            '$3 ~ ("^[$]s8Emulator[0-9]+" model "CycleModelV6retireyyAA12RetiredBatchVF$") { print $1 }' || true)
        [ -n "$address" ] && line+=$(printf '  %s retire +0x%02x' "$model" $(( 0x${address: -2} % 64 )))
    done
    [ -n "$line" ] && line+=$(dispatch "$binary")
    [ -n "$line" ] && printf '%s%s\n' "$binary" "$line"
done
exit 0
