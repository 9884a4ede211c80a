#!/usr/bin/env bash
# Latency of a 4 KiB write followed by fsync (and fdatasync): iocert's fs.fsync against fio
# (rw=write, bs=4k, fsync=1 / fdatasync=1, psync, buffered) on the same directory,
# interleaved, ROUNDS rounds; prints medians and iocert/fio ratios of p50 and p99.
#
#   bench/fs-sync-vs-fio.sh [DIR] [SECONDS] [ROUNDS]     defaults: /tmp 5 3
#
# fio reports write latency and sync latency separately; iocert times write + sync as one
# operation, so fio's figure here is the sum of the two medians (p50) and of the two p99s,
# an approximation noted beside the result.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp}"; secs="${2:-5}"; rounds="${3:-3}"
command -v fio >/dev/null || { echo "needs fio (apt-get install fio)" >&2; exit 2; }
"$root/iocert" --version >/dev/null
work="$(mktemp -d "$dir/.iocert-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rows="$work/rows.tsv"
for r in $(seq 1 "$rounds"); do
  for sync in fsync fdatasync; do
    printf 'iocert: v1\nname: bench\nbudget: 10min\nrequirements:\n  - id: s\n    probe: fs.fsync\n    workload: {blockSize: 4KiB, sync: %s, direct: false, duration: %ss}\n    expect: {latency: {p50: "<= 1 s"}}\n' \
      "$sync" "$secs" >"$work/spec.yaml"
    "$root/iocert" probe --spec "$work/spec.yaml" --fs-path "$work" --out "$work/i-$r-$sync.json" 2>/dev/null
    python3 - "$work/i-$r-$sync.json" "$r" "$sync" >>"$rows" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["measurements"][0]
print(f"{sys.argv[2]}\tiocert\t{sys.argv[3]}\tp50_us\t{m['summary']['p50'] / 1e3:.1f}")
print(f"{sys.argv[2]}\tiocert\t{sys.argv[3]}\tp99_us\t{m['summary']['p99'] / 1e3:.1f}")
PY
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
  done
done
python3 "$root/bench/summarize.py" "$rows" fsync,fdatasync p50_us,p99_us "fio write+sync"
