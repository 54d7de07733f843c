#!/usr/bin/env bash
# The host's clock and integer throughput for one thread, now: a chain of dependent additions (one
# per cycle, so its rate is the clock) and four independent chains (additions retired per cycle;
# it falls when something else shares the physical core). Run it beside throughput figures on a
# shared machine: a figure taken while the four chains read well below the core's usual rate was
# taken on a slowed machine (Benchmarks/PERFORMANCE.md, "Measuring").
#
#   Benchmarks/host-probe.sh [ROUNDS]      (default 1; about half a second each)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-1}"
case "$rounds" in ''|*[!0-9]*|0) echo "host-probe: ROUNDS must be a positive whole number, not '$rounds'" >&2; exit 64 ;; esac
probe="$root/.build/host-probe/host_probe"
source="$root/Benchmarks/Tools/HostProbe/host_probe.c"
if [ ! -x "$probe" ] || [ "$source" -nt "$probe" ]; then
    mkdir -p "$(dirname "$probe")"
    clang -O2 -Wall -o "$probe" "$source"
fi
if [ -r /proc/cpuinfo ]; then
    awk -F': *' '/^model name/ && !n { n=$2 } /^cpu family/ && !f { f=$2 } /^model\t/ && !m { m=$2 }
                 END { if (n != "") printf "%s (family %s model %s)\n", n, f, m }' /proc/cpuinfo
fi
for _ in $(seq "$rounds"); do "$probe"; done
