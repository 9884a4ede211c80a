#!/usr/bin/env bash
# Memory bandwidth (STREAM triad) and FMA rate: iocert's compute probes against a C program
# written for this project (bench/memory-vs-c.c, gcc -O3 -march=native -fopenmp), same array
# size and thread count, interleaved (iocert, C, iocert, C, ...), ROUNDS rounds; prints medians
# and iocert/C ratios.
#
#   bench/memory-vs-c.sh [ARRAY_SIZE_MIB] [SECONDS] [ROUNDS]   defaults: 4 x last-level cache, 3, 3
#
# Cases: triad with 1 thread and with all cores (iocert threads: 1 / all; C OMP_NUM_THREADS=1 /
# nproc, arrays shared out statically); fma with 1 thread and all cores against the C loop of
# the same shape. CASES="triad-1t" (space separated) runs a subset.
# Figures: iocert the median of its per-iteration values (summary p50; JMH, 1 fork, SECONDS of
# measurement after its own warm-up); C the median of its per-sample rates over SECONDS (a
# triad sample is one sweep, an FMA sample about 100 ms). Bytes counted the STREAM way
# (24 per triad element), an FMA as two FLOPs, on both sides.
# Pages: the probe's JMH fork asks for transparent huge pages for its heap where the kernel offers
# them (context heapPages), and the C program madvises its arrays the same way (NO_THP=1 turns
# that off on the C side, for a look at what the pages are worth).
# On a shared host, PRIORITY=1 (root, cgroup v1 cpu controller) runs both sides in a cgroup
# with the highest cpu.shares, so other work gets the CPUs only in short slices; it favours
# neither side.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${2:-3}"; rounds="${3:-3}"
command -v gcc >/dev/null || { echo "needs gcc (apt-get install gcc)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }
"$root/iocert" --version >/dev/null   # build once, outside the timed runs

if [ -n "${1:-}" ]; then
  array_bytes=$(( $1 * 1024 * 1024 ))
else
  # The probe's own default: four times the sum of the distinct last-level caches.
  array_bytes=$(python3 - <<'PY'
import glob, os
best, seen = 0, {}
for idx in glob.glob("/sys/devices/system/cpu/cpu[0-9]*/cache/index[0-9]*"):
    r = lambda f: open(os.path.join(idx, f)).read().strip()
    if r("type") not in ("Unified", "Data"):
        continue
    lvl, size = int(r("level")), r("size")
    b = int(size[:-1]) * {"K": 1024, "M": 1 << 20, "G": 1 << 30}[size[-1]] if size[-1] in "KMG" else int(size)
    if lvl > best:
        best, seen = lvl, {}
    if lvl == best:
        seen[r("shared_cpu_list")] = b
print(4 * sum(seen.values()))
PY
)
fi
cores=$(nproc)
# iocert gives each thread arrays of a whole number of 32768-element chunks; C uses the same total.
chunk=32768
elements_for() { local t=$1; echo $(( (array_bytes / 8 / t + chunk - 1) / chunk * chunk * t )); }

work="$(mktemp -d "${TMPDIR:-/tmp}/.iocert-bench.XXXXXX")"
group=""
cleanup() {
  rm -rf "$work"
  if [ -n "$group" ]; then
    # Leave the group before removing it.
    echo $$ >/sys/fs/cgroup/cpu/cgroup.procs
    rmdir "$group" 2>/dev/null || true
  fi
}
trap cleanup EXIT
if [ "${PRIORITY:-0}" = 1 ]; then
  [ -w /sys/fs/cgroup/cpu/cgroup.procs ] || { echo "PRIORITY=1 needs root and cgroup v1 cpu at /sys/fs/cgroup/cpu" >&2; exit 2; }
  group="/sys/fs/cgroup/cpu/iocert-bench-$$"
  mkdir "$group"
  echo 262144 >"$group/cpu.shares"
  echo $$ >"$group/cgroup.procs"   # this shell and everything it starts from now on
fi
gcc -O3 -march=native -fopenmp "$root/bench/memory-vs-c.c" -o "$work/memory-vs-c" -lm
rows="$work/rows.tsv"

all_cases=("triad-1t 1" "triad-all $cores" "fma-1t 1" "fma-all $cores")
cases=()
for c in "${all_cases[@]}"; do
  [ -z "${CASES:-}" ] || [[ " $CASES " == *" ${c%% *} "* ]] && cases+=("$c")
done

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

for r in $(seq 1 "$rounds"); do
  for c in "${cases[@]}"; do
    read -r name threads <<<"$c"
    n=$(elements_for "$threads")
    spec="$work/$name.yaml"
    if [[ $name == triad-* ]]; then
      printf 'iocert: v1\nname: bench\nbudget: 10min\nrequirements:\n  - id: %s\n    probe: compute.memory-bandwidth\n    workload: {kernel: triad, threads: %s, arraySize: %sB, duration: %ss}\n    expect: {throughput: {p50: ">= 1 B/s"}}\n' \
        "$name" "$threads" $(( n * 8 )) "$secs" >"$spec"
    else
      printf 'iocert: v1\nname: bench\nbudget: 10min\nrequirements:\n  - id: %s\n    probe: compute.flops\n    workload: {threads: %s, duration: %ss}\n    expect: {flops: {p10: ">= 1 FLOP/s"}}\n' \
        "$name" "$threads" "$secs" >"$spec"
    fi
    "$root/iocert" probe --spec "$spec" --out "$work/i-$r-$name.json" 2>/dev/null
    python3 - "$work/i-$r-$name.json" "$r" "$name" >>"$rows" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["measurements"][0]
assert not m.get("error"), m.get("error")
p50 = m["summary"]["p50"]
metric = "MB/s" if m["metric"] == "throughput" else "MFLOP/s"
print(f"{sys.argv[2]}\tiocert\t{sys.argv[3]}\t{metric}\t{p50 / 1e6:.0f}")
PY
    if [[ $name == triad-* ]]; then
      v=$(OMP_NUM_THREADS=$threads "$work/memory-vs-c" triad "$n" "$secs" | median)
      printf '%s\tc\t%s\tMB/s\t%s\n' "$r" "$name" "$(python3 -c "print(f'{$v / 1e6:.0f}')")" >>"$rows"
    else
      v=$(OMP_NUM_THREADS=$threads "$work/memory-vs-c" fma "$secs" | median)
      printf '%s\tc\t%s\tMFLOP/s\t%s\n' "$r" "$name" "$(python3 -c "print(f'{$v / 1e6:.0f}')")" >>"$rows"
    fi
  done
done

echo "array size $(( array_bytes / 1024 / 1024 )) MiB per array (triad: 3 arrays), $cores cores, ${secs} s per run," \
     "priority group ${PRIORITY:-0}, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/bench/summarize.py" "$rows" triad-1t,triad-all,fma-1t,fma-all MB/s,MFLOP/s C
