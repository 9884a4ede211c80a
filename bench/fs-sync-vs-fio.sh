#!/usr/bin/env bash
# Latency of a 4 KiB write followed by fsync (and fdatasync): iocert's fs.fsync against fio
# (rw=write, bs=4k, fsync=1 / fdatasync=1, psync, buffered) on the same directory,
# interleaved, ROUNDS rounds; prints medians and iocert/fio ratios of p50 and p99.
#
#   bench/fs-sync-vs-fio.sh [DIR] [SECONDS] [ROUNDS]     defaults: /tmp 5 3
#
# fio reports write latency and sync latency separately; iocert times write + sync as one
# operation, so fio's figure here is the sum of the two medians (p50) and of the two p99s,
# an approximation noted beside the result. The exact peer is bench/fs-sync-loop.c (written for
# this bench): a C loop timing each write + sync pair as one operation, so its p99 is the same
# quantity as iocert's. Odd rounds run iocert first, even rounds last (a writer right after
# another writer's burst can be served worse by a virtual disk).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp}"; secs="${2:-5}"; rounds="${3:-3}"
for t in fio gcc; do command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }; done
"$root/iocert" --version >/dev/null
work="$(mktemp -d "$dir/.iocert-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
crows="$work/crows.tsv"
gcc -O2 -o "$work/fs-sync-loop" "$root/bench/fs-sync-loop.c"
run_iocert() {
    printf 'iocert: v1\nname: bench\nbudget: 10min\nrequirements:\n  - id: s\n    probe: fs.fsync\n    workload: {blockSize: 4KiB, sync: %s, direct: false, duration: %ss}\n    expect: {latency: {p50: "<= 1 s"}}\n' \
      "$sync" "$secs" >"$work/spec.yaml"
    "$root/iocert" probe --spec "$work/spec.yaml" --fs-path "$work" --out "$work/i-$r-$sync.json" 2>/dev/null
    python3 - "$work/i-$r-$sync.json" "$r" "$sync" >>"$rows" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["measurements"][0]
print(f"{sys.argv[2]}\tiocert\t{sys.argv[3]}\tp50_us\t{m['summary']['p50'] / 1e3:.1f}")
print(f"{sys.argv[2]}\tiocert\t{sys.argv[3]}\tp99_us\t{m['summary']['p99'] / 1e3:.1f}")
PY
}
run_fio() {
    mkdir -p "$work/fio"
    fio --name=sync --directory="$work/fio" --rw=write --bs=4k --size=64M --"$sync"=1 --ioengine=psync \
        --time_based --runtime="$secs" --output-format=json >"$work/f-$r-$sync.json"
    python3 - "$work/f-$r-$sync.json" "$r" "$sync" >>"$rows" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
w = job["write"]["clat_ns"]["percentile"]; s = job["sync"]["lat_ns"]["percentile"]
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\tp50_us\t{(w['50.000000'] + s['50.000000']) / 1e3:.1f}")
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\tp99_us\t{(w['99.000000'] + s['99.000000']) / 1e3:.1f}")
PY
    rm -rf "$work/fio"
}
run_c() {
  read -r _ _ p50 p99 _ < <("$work/fs-sync-loop" "$work/c.dat" "$secs" "$sync")
  awk -v r="$r" -v s="$sync" -v a="$p50" -v b="$p99" \
    'BEGIN { printf "%s\tc\t%s\tp50_us\t%.1f\n%s\tc\t%s\tp99_us\t%.1f\n", r, s, a / 1000, r, s, b / 1000 }' >>"$crows"
}
for r in $(seq 1 "$rounds"); do
  for sync in fsync fdatasync; do
    if (( r % 2 == 1 )); then run_iocert; run_fio; run_c; else run_c; run_fio; run_iocert; fi
  done
done
python3 "$root/bench/summarize.py" "$rows" fsync,fdatasync p50_us,p99_us "fio write+sync"
echo
grep -P '\tiocert\t' "$rows" >>"$crows"
python3 "$root/bench/summarize.py" "$crows" fsync,fdatasync p50_us,p99_us "C write+sync"
