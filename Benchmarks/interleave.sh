#!/usr/bin/env bash
# Interleaved wall-clock comparison of two builds of the host-throughput benchmarks: runs each
# binary in turn, ROUNDS times, one process per run, and prints every run's p50 in millions of
# guest instructions per second, then each binary's median and B's median over A's.
#
#   Benchmarks/interleave.sh A B FILTER [ROUNDS]
#       A, B    copies of .build/release/EmulatorThroughput (copy each build's aside first)
#       FILTER  a regular expression a whole benchmark name must match, e.g. "suite mix.*cortex-a72"
#       ROUNDS  runs of each binary (default 5)
#
# One process at a time, so nothing else should run: on a shared machine the same binary's
# figures move between processes (Benchmarks/PERFORMANCE.md, "Measuring"), and only medians of
# interleaved runs taken close together are worth comparing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -ge 3 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
a="$1"; b="$2"; filter="$3"; rounds="${4:-5}"
for binary in "$a" "$b"; do
    [ -x "$binary" ] || { echo "interleave: $binary is not an executable" >&2; exit 64; }
done
case "$rounds" in ''|*[!0-9]*|0) echo "interleave: ROUNDS must be a positive whole number, not '$rounds'" >&2; exit 64 ;; esac

# Each matching benchmark's p50 wall clock (nanoseconds per iteration of a million guest
# instructions) as "name<TAB>M/s".
p50() {
    LD_LIBRARY_PATH="$root/.build/release" "$1" --filter "$filter" 2>&1 | awk '
        /^Debug results for / { name = $0; sub(/^Debug results for /, "", name); sub(/:$/, "", name) }
        /Time \(wall clock\)/ { wall = 1 }
        wall && $2 == "0.500000000000" { printf "%s\t%.1f\n", name, 1e9 / $1; wall = 0 }'
}

results="$(mktemp)"
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
    for side in A B; do
        binary="$a"; [ "$side" = B ] && binary="$b"
        lines="$(p50 "$binary")"
        [ -n "$lines" ] || { echo "interleave: $binary printed no p50 for '$filter' (it must match a whole benchmark name)" >&2; exit 1; }
        while IFS=$'\t' read -r name rate; do
            printf 'round %s  %s  %-34s %7.1fM\n' "$round" "$side" "$name" "$rate"
            printf '%s\t%s\t%s\n' "$side" "$name" "$rate" >> "$results"
        done <<< "$lines"
    done
done
sort -t$'\t' -k2,2 -k1,1 -k3,3n "$results" | awk -F'\t' '
    { key = $2 SUBSEP $1; n[key]++; v[key, n[key]] = $3; names[$2] = 1 }
    function median(key,   m) { m = n[key]; return m % 2 ? v[key, (m + 1) / 2] : (v[key, m / 2] + v[key, m / 2 + 1]) / 2 }
    END {
        for (name in names) {
            ma = median(name SUBSEP "A"); mb = median(name SUBSEP "B")
            printf "%-34s median A %7.1fM  B %7.1fM  B/A %.3f\n", name, ma, mb, mb / ma
        }
    }'
