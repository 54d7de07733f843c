#!/usr/bin/env bash
# The EmulatorThroughput mix loop under qemu-aarch64 (user mode, TCG JIT), for comparison with
# `swift package benchmark --filter "mix loop.*"`: builds mix-loop.S as a static Linux AArch64
# program with the Swift toolchain's clang and ld.lld, checks that its words are the ones
# Benchmarks/ThroughputStreams/MixLoop.swift runs, and prints guest instructions per second.
#
#   Benchmarks/qemu/run.sh [iterations] [repeats]     (default 100000000 iterations, 5 repeats)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
iterations="${1:-100000000}"
repeats="${2:-5}"
clang="${CLANG:-/opt/swift/usr/bin/clang}"
lld="${LLD:-/opt/swift/usr/bin/ld.lld}"
objdump="${OBJDUMP:-$(command -v llvm-objdump || command -v llvm-objdump-19 || true)}"
command -v qemu-aarch64 >/dev/null || { echo "qemu-aarch64 not found (Debian: apt-get install qemu-user)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$clang" --target=aarch64-linux-gnu -nostdlib -static --ld-path="$lld" -DITERATIONS="$iterations" \
    -o "$work/mix" "$here/linux-start.S" "$here/mix-loop.S"

if [ -n "$objdump" ]; then
    # The loop's words, in order, against the ones the Swift benchmark runs.
    "$objdump" -d "$work/mix" | awk '/<pb_mix_loop>:/{on=1} /<_start>:/{on=0} on && /^ +[0-9a-f]+:/{print toupper($5 $4 $3 $2)}' > "$work/elf.words"
    grep -oE '^ +0x[0-9A-F_]{9}' "$here/../ThroughputStreams/MixLoop.swift" | tr -d ' _' | sed 's/^0X//; s/^0x//' > "$work/swift.words"
    if ! diff -q "$work/elf.words" "$work/swift.words" >/dev/null; then
        echo "mix-loop.S and MixLoop.swift disagree:" >&2
        diff "$work/elf.words" "$work/swift.words" >&2 || true
        exit 1
    fi
fi

# 22 instructions per iteration (_start and the loop's entry and exit add fewer than ten).
instructions=$(( iterations * 22 ))
echo "qemu-aarch64 $(qemu-aarch64 --version | head -1 | awk '{print $3}'): mix loop, $iterations iterations ($instructions guest instructions)"
best=""
for _ in $(seq "$repeats"); do
    start=$(date +%s%N)
    qemu-aarch64 "$work/mix"
    end=$(date +%s%N)
    ns=$(( end - start ))
    rate=$(awk -v i="$instructions" -v ns="$ns" 'BEGIN { printf "%.0f", i / (ns / 1e9) / 1e6 }')
    echo "  $(awk -v ns="$ns" 'BEGIN { printf "%.3f", ns / 1e9 }') s: $rate M guest instructions/s"
    if [ -z "$best" ] || [ "$rate" -gt "$best" ]; then best="$rate"; fi
done
echo "best: $best M guest instructions/s"
