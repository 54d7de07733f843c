#!/usr/bin/env bash
# Host instructions per guest instruction, counted by valgrind (callgrind's Ir): the same on every
# run, so it shows what a change to the hot loops does to the work they issue where the wall clock
# on a shared machine cannot. Runs Benchmarks/Tools/HostInstructions twice, for N and 3N guest
# instructions, and divides the difference by 2N, so start-up and warm-up cancel out.
#
#   Benchmarks/host-instructions.sh [profile|functional] [stream ...]
#       profile: a CPU profile name (default cortex-a72) or functional
#       streams: mix-loop suite-mix dependent-adds independent-adds (default: all four)
#
# Builds release with DWARF 4 in .build/host-instructions (valgrind 3.19 does not read DWARF 5).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-cortex-a72}"
shift || true
streams=("$@")
[ ${#streams[@]} -gt 0 ] || streams=(mix-loop suite-mix dependent-adds independent-adds)
command -v valgrind >/dev/null || { echo "valgrind not found (Debian: apt-get install valgrind)" >&2; exit 1; }
scratch="$root/.build/host-instructions"
swift build --package-path "$root" -c release --product HostInstructions --scratch-path "$scratch" \
    -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4 >&2
binary="$scratch/release/HostInstructions"
n=2000000
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$binary" "$1" "$mode" "$2" 2>&1 \
        | awk '/refs:/ { gsub(",", "", $NF); print $NF }'
}
for stream in "${streams[@]}"; do
    # A bad stream or profile name: the program's own message, before valgrind hides it.
    "$binary" "$stream" "$mode" 0 >&2 || exit 2
    short=$(count "$stream" "$n")
    long=$(count "$stream" $((3 * n)))
    [ -n "$short" ] && [ -n "$long" ] || { echo "$stream: valgrind gave no count" >&2; exit 1; }
    awk -v s="$short" -v l="$long" -v n="$n" -v name="$stream" -v mode="$mode" \
        'BEGIN { printf "%-17s %-12s %7.1f host instructions per guest instruction\n", name, mode, (l - s) / (2 * n) }'
done
