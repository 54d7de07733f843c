#!/usr/bin/env bash
# Where each cycle model's retire loop starts within a 64-byte line, for each binary given
# (the benchmark executable, `bench`, or a ThroughputProbe library). Code linked before it moves
# it, differently in each binary: the same cortex-a72 retire loop ran the suite mix about 5% slower
# at +0x00 than at +0x10, +0x20 or +0x30 (Benchmarks/PERFORMANCE.md, "The retire loop's place in a
# cache line"). So read a throughput figure, or a ratio between two builds, with these offsets.
#
#   Benchmarks/retire-offsets.sh BINARY...
#       e.g. .build/release/EmulatorThroughput .build/release/bench
#
# Prints one line per binary: "<binary>  OutOfOrder retire +0xNN  InOrder retire +0xNN". Needs nm
# (binutils); prints nothing for a binary nm cannot read or that holds no cycle model.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
command -v nm >/dev/null || { echo "retire-offsets: nm not found (Debian: apt-get install binutils)" >&2; exit 1; }
for binary in "$@"; do
    line=""
    for model in OutOfOrder InOrder; do
        address=$(nm "$binary" 2>/dev/null | awk -v model="$model" \
            '$3 ~ ("^[$]s8Emulator[0-9]+" model "CycleModelV6retireyyAA12RetiredBatchVF$") { print $1 }' || true)
        [ -n "$address" ] && line+=$(printf '  %s retire +0x%02x' "$model" $(( 0x${address: -2} % 64 )))
    done
    [ -n "$line" ] && printf '%s%s\n' "$binary" "$line"
done
exit 0
