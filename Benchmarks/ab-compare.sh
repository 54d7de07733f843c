#!/usr/bin/env bash
# Two builds of the emulator compared in one process, slice by slice: each round runs a million
# guest instructions of a throughput stream on build A and on build B, in alternating order, and
# the round's ratio is B's time over A's. On a shared machine whose speed drifts from second to
# second, neighbouring slices see the same machine where separate processes do not, so the median
# ratio settles to about a percent in a few hundred rounds where interleaved processes differed by
# a fifth (Benchmarks/PERFORMANCE.md, "Measuring").
#
#   Benchmarks/ab-compare.sh A.so B.so [STREAM] [MODE] [ROUNDS]
#       A.so, B.so  copies of .build/release/libThroughputProbe.so from the two builds
#                   (swift build -c release --product ThroughputProbe; copy each aside)
#       STREAM      mix-loop, suite-mix (default), dependent-adds or independent-adds
#       MODE        functional or a CPU profile's name (default cortex-a72)
#       ROUNDS      default 300 (about 20 s on the suite mix at 30M instructions/s)
#
# Prints each build's fastest and median slice, where its cycle models' retire loops start within
# a 64-byte line, and the median B/A time ratio with its interquartile range (below 1: B is
# faster). Both builds find the guest image in the build folder they were compiled in, so keep it
# until the comparison is done.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 2 ] || { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
a="$1"; b="$2"; stream="${3:-suite-mix}"; mode="${4:-cortex-a72}"; rounds="${5:-300}"
for library in "$a" "$b"; do
    [ -f "$library" ] || { echo "ab-compare: $library is not a file" >&2; exit 64; }
done
case "$rounds" in ''|*[!0-9]*|0) echo "ab-compare: ROUNDS must be a positive whole number, not '$rounds'" >&2; exit 64 ;; esac
# dlopen refuses a second load of the same file: the two must be different files.
[ "$(stat -Lc %d:%i "$a")" != "$(stat -Lc %d:%i "$b")" ] || { echo "ab-compare: A and B are the same file; copy one" >&2; exit 64; }
driver="$root/.build/ab-compare/ab_compare"
source="$root/Benchmarks/Tools/ABCompare/ab_compare.c"
if [ ! -x "$driver" ] || [ "$source" -nt "$driver" ]; then
    mkdir -p "$(dirname "$driver")"
    clang -O2 -Wall -o "$driver" "$source" -ldl
fi
# Half the rounds with A loaded first, half with B first: the library loaded second can run a
# little differently for where it and its memory land (an A/A comparison measured up to 1.5%).
samples="$(mktemp)"
trap 'rm -f "$samples"' EXIT
"$driver" "$a" "$b" "$stream" "$mode" $(( (rounds + 1) / 2 )) 1000000 ab >> "$samples"
"$driver" "$a" "$b" "$stream" "$mode" $(( rounds / 2 )) 1000000 ba >> "$samples"
# Nanoseconds per million instructions -> millions of instructions per second: 1e9 / ns * 1e6 / 1e6.
summarise() { sort -n | awk -v label="$1" '
    { v[NR] = $1 }
    function q(p,   x, i) { x = p * (NR - 1) + 1; i = int(x); return i < NR ? v[i] + (x - i) * (v[i + 1] - v[i]) : v[i] }
    END { if (label == "ratio") printf "%.3f %.3f %.3f", q(0.5), q(0.25), q(0.75); else printf "%.1f %.1f", 1e9 / v[1], 1e9 / q(0.5) }'; }
read -r fastA medianA <<< "$(awk '{ print $1 }' "$samples" | summarise time)"
read -r fastB medianB <<< "$(awk '{ print $2 }' "$samples" | summarise time)"
read -r ratio low high <<< "$(awk '{ print $2 / $1 }' "$samples" | summarise ratio)"
faster=$(awk '$2 < $1 { n++ } END { print n + 0 }' "$samples")
total=$(wc -l < "$samples")
# Where each build's retire loops start within a 64-byte line and its fast-forward dispatch lies
# (Benchmarks/retire-offsets.sh): a ratio of about 5% with retire offsets that differ, or a third
# in fast-forward where one dispatch crosses a line, may be the layout rather than the change.
layout() {
    local offsets
    offsets=$("$root/Benchmarks/retire-offsets.sh" "$1" 2>/dev/null || true)
    [ -n "$offsets" ] && printf ' %s' "${offsets#"$1"}"
}
printf 'A  fastest %7.1fM  median %7.1fM  (%s)%s\n' "$fastA" "$medianA" "$a" "$(layout "$a")"
printf 'B  fastest %7.1fM  median %7.1fM  (%s)%s\n' "$fastB" "$medianB" "$b" "$(layout "$b")"
printf 'B/A time  median %s  interquartile %s-%s  B faster in %s of %s rounds (%s, %s)\n' \
    "$ratio" "$low" "$high" "$faster" "$total" "$stream" "$mode"
