#!/usr/bin/env bash
# Where does iocert's random 4 KiB O_DIRECT write lose to fio? One file, one thread, five
# writers interleaved for ROUNDS rounds: fio (psync), iocert's fs.write probe, a minimal C
# pwrite loop, a minimal Java FileChannel loop writing from one page, and the same Java loop
# taking each block from a random page of an 8 MiB pool (as iocert's BlockSource does).
# Prints per-round values, medians, and the median of the per-round ratios to fio (pairing
# within a round cancels the device's drift between rounds).
#
#   bench/fs-randwrite-anatomy.sh [DIR] [SECONDS] [ROUNDS]      defaults: /tmp 5 10
#
# Needs fio, gcc and root-free write access to DIR (256 MiB). The iocert jar is copied once,
# so editing sources meanwhile does not trigger a rebuild inside the timed runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp}"; secs="${2:-5}"; rounds="${3:-10}"
for t in fio gcc; do command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }; done
"$root/iocert" --version >/dev/null
work="$(mktemp -d "$dir/.iocert-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$root/cli/target/iocert.jar" "$work/iocert.jar"
gcc -O2 -o "$work/fs-write-loop" "$root/bench/fs-write-loop.c"
javac -d "$work" "$root/bench/FsWriteLoop.java"
mkdir -p "$work/fio"
fio --name=layout --directory="$work/fio" --rw=write --bs=1M --size=256M --direct=1 --ioengine=psync \
    --end_fsync=1 --output-format=json >/dev/null
file="$work/fio/layout.0.0"
printf 'iocert: v1\nname: bench\nbudget: 10min\nrequirements:\n  - id: rw\n    probe: fs.write\n    workload: {pattern: random, blockSize: 4KiB, fileSize: 256MiB, threads: 1, direct: true, duration: %ss}\n    expect: {iops: {mean: ">= 1 IOPS"}}\n' \
  "$secs" >"$work/rw.yaml"
rows="$work/rows"
run_fio() {
  fio --name=layout --directory="$work/fio" --rw=randwrite --bs=4k --size=256M --direct=1 --ioengine=psync \
      --time_based --runtime="$secs" --output-format=json >"$work/f.json"
  python3 - "$work/f.json" "$1" >>"$rows" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["jobs"][0]["write"]; p = w["clat_ns"]["percentile"]
print(sys.argv[2], "fio", round(w["iops"]), round(w["clat_ns"]["mean"]), p["50.000000"], p["99.000000"], p["99.900000"])
PY
}
run_iocert() {
  java -jar "$work/iocert.jar" probe --spec "$work/rw.yaml" --fs-path "$work" --out "$work/i-$1.json" 2>/dev/null
  python3 - "$work/i-$1.json" "$1" >>"$rows" <<'PY'
import json, sys
m = {x["metric"]: x for x in json.load(open(sys.argv[1]))["measurements"]}; s = m["latency"]["summary"]
print(sys.argv[2], "iocert", round(m["iops"]["summary"]["mean"]), round(s["mean"]), s["p50"], s["p99"], s["p999"])
PY
}
run_c-loop() { echo "$1 c-loop $("$work/fs-write-loop" "$file" "$secs")" >>"$rows"; }
run_java-loop() { echo "$1 java-loop $(java -cp "$work" FsWriteLoop "$file" "$secs")" >>"$rows"; }
run_java-pool() { echo "$1 java-pool $(java -cp "$work" FsWriteLoop "$file" "$secs" pool)" >>"$rows"; }
# The virtual disk of the machine this was written on serves a writer worse right after another
# writer's burst (about 6% in IOPS), so the order is a Williams design: over every 10 rounds each
# writer runs in each place twice and right after each other writer twice (a plain
# rotation would keep the same writer in front of iocert).
writers=(fio iocert c-loop java-loop java-pool)
base=(0 1 4 2 3)
for r in $(seq 1 "$rounds"); do
  shift_by=$(( (r - 1) % 5 ))
  order=()
  for k in 0 1 2 3 4; do order+=($(( (base[k] + shift_by) % 5 ))); done
  if (( ((r - 1) / 5) % 2 == 1 )); then order=("${order[4]}" "${order[3]}" "${order[2]}" "${order[1]}" "${order[0]}"); fi
  for w in "${order[@]}"; do
    "run_${writers[$w]}" "$r"
  done
  tail -n 5 "$rows"
done
python3 - "$rows" <<'PY'
import collections, statistics, sys
vals = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    r, tool, *v = line.split()
    vals[tool][int(r)] = [float(x) for x in v]
names = ["IOPS", "mean_ns", "p50_ns", "p99_ns", "p99.9_ns"]
tools = ["fio", "iocert", "c-loop", "java-loop", "java-pool"]
print(f"\n{'writer':<11}" + "".join(f"{n:>12}" for n in names) + "   median of per-round ratios to fio")
for t in tools:
    rs = sorted(set(vals[t]) & set(vals["fio"]))
    med = [statistics.median(vals[t][r][k] for r in rs) for k in range(5)]
    ratio = [statistics.median(vals[t][r][k] / vals["fio"][r][k] for r in rs) for k in range(5)]
    print(f"{t:<11}" + "".join(f"{m:>12.0f}" for m in med) + "   " + " ".join(f"{x:.3f}" for x in ratio))
PY
