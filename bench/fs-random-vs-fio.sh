#!/usr/bin/env bash
# Random 4 KiB O_DIRECT I/O: iocert's fs probes against fio on the same directory and file
# size, interleaved (iocert, fio, ...), ROUNDS rounds; prints medians and iocert/fio ratios.
#
#   bench/fs-random-vs-fio.sh [DIR] [FILE_SIZE] [SECONDS] [ROUNDS]   defaults: /tmp 256MiB 5 3
#
# Workloads: random read with 1 and 8 threads (fio psync numjobs=8, one file per job, as
# iocert gives each thread its own file), the same 8-thread iocert read against fio
# io_uring iodepth=8 on one file (8 I/Os in flight either way), and random write with 1
# thread. CASES="randread-qd8" (space separated) runs a subset. Both tools run for
# SECONDS after laying out their files with O_DIRECT (fio: a separate untimed write job).
# Figures: IOPS (fio iops; iocert mean of per-interval IOPS) and completion-latency p50/p99.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp}"; size="${2:-256MiB}"; secs="${3:-5}"; rounds="${4:-3}"
command -v fio >/dev/null || { echo "needs fio (apt-get install fio)" >&2; exit 2; }
"$root/iocert" --version >/dev/null   # build once, outside the timed runs
work="$(mktemp -d "$dir/.iocert-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fio_size="${size/iB/}"
rows="$work/rows.tsv"

# name  probe  rw  iocert-threads  fio-jobs  fio-engine  fio-iodepth
all_cases=("randread-1t fs.read randread 1 1 psync 1" "randread-8t fs.read randread 8 8 psync 1"
           "randread-qd8 fs.read randread 8 1 io_uring 8" "randwrite-1t fs.write randwrite 1 1 psync 1")
cases=()
for c in "${all_cases[@]}"; do
  [ -z "${CASES:-}" ] || [[ " $CASES " == *" ${c%% *} "* ]] && cases+=("$c")
done

run_iocert() {
    "$root/iocert" probe --spec "$spec" --fs-path "$work" --out "$work/i-$r-$name.json" 2>/dev/null
    python3 - "$work/i-$r-$name.json" "$r" "$name" >>"$rows" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1]))["measurements"]:
    if m["metric"] == "iops":
        print(f"{sys.argv[2]}\tiocert\t{sys.argv[3]}\tIOPS\t{m['summary']['mean']:.0f}")
    if m["metric"] == "latency":
        print(f"{sys.argv[2]}\tiocert\t{sys.argv[3]}\tp50_us\t{m['summary']['p50'] / 1e3:.1f}")
        print(f"{sys.argv[2]}\tiocert\t{sys.argv[3]}\tp99_us\t{m['summary']['p99'] / 1e3:.1f}")
PY
}
run_fio() {
    mkdir -p "$work/fio"
    fio --name=layout --directory="$work/fio" --rw=write --bs=1M --size="$fio_size" --numjobs="$jobs" \
        --direct=1 --ioengine=psync --end_fsync=1 --output-format=json >/dev/null
    fio --name=layout --directory="$work/fio" --rw="$rw" --bs=4k --size="$fio_size" --numjobs="$jobs" \
        --direct=1 --ioengine="$engine" --iodepth="$depth" --time_based --runtime="$secs" --group_reporting \
        --output-format=json >"$work/f-$r-$name.json"
    python3 - "$work/f-$r-$name.json" "$r" "$name" "$rw" >>"$rows" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
d = job["read" if "read" in sys.argv[4] else "write"]
pct = d["clat_ns"]["percentile"]
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\tIOPS\t{d['iops']:.0f}")
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\tp50_us\t{pct['50.000000'] / 1e3:.1f}")
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\tp99_us\t{pct['99.000000'] / 1e3:.1f}")
PY
    rm -rf "$work/fio"
}
# Odd rounds run iocert first, even rounds fio first: a virtual disk can serve a writer worse
# right after another's burst (BENCHMARKS.md, random-write anatomy), so neither always follows.
for r in $(seq 1 "$rounds"); do
  for c in "${cases[@]}"; do
    read -r name probe rw threads jobs engine depth <<<"$c"
    spec="$work/$name.yaml"
    printf 'iocert: v1\nname: bench\nbudget: 10min\nrequirements:\n  - id: %s\n    probe: %s\n    workload: {pattern: random, blockSize: 4KiB, fileSize: %s, threads: %s, direct: true, duration: %ss}\n    expect: {iops: {mean: ">= 1 IOPS"}}\n' \
      "$name" "$probe" "$size" "$threads" "$secs" >"$spec"
    if (( r % 2 == 1 )); then run_iocert; run_fio; else run_fio; run_iocert; fi
  done
done

python3 "$root/bench/summarize.py" "$rows" randread-1t,randread-8t,randread-qd8,randwrite-1t IOPS,p50_us,p99_us
