#!/usr/bin/env bash
# Sequential 1 MiB O_DIRECT write and read: iocert's fs probes against fio on the same
# directory, file size and block size, interleaved, ROUNDS rounds: each round runs both tools'
# write then read, iocert first in odd rounds and fio first in even ones (FIRST=fio swaps that).
# Prints per-round figures, medians and the ratios iocert/fio.
#
#   bench/fs-seq-vs-fio.sh [DIR] [FILE_SIZE] [ROUNDS]     defaults: /tmp 1GiB 3
#
# fio: ioengine=psync, direct=1, numjobs=1, one file, buffers random-filled once (set
# FIO_EXTRA=--refill_buffers to refill every I/O, which adds client CPU time between writes); figures are fio's bw_bytes and its
# completion-latency percentiles (for psync, submission latency is nil, so clat is the
# per-operation time iocert measures). iocert: throughput mean over intervals, latency p50/p99.
#
# Both sides also report device requests per 1 MiB operation (reads or writes completed in
# /sys/class/block/DEV/stat during the timed phase). On a virtio disk with max_segments 254 a
# 1 MiB request whose buffer spans 256 scattered 4 KiB pages is split in two, which halves
# throughput; whether a tool's buffer is physically contiguous is an accident of its memory
# allocator. iocert therefore puts its buffers in huge pages where the node has them (result
# context bufferLayout: hugetlbfs-2MiB, thp-2MiB, or the fallback aligned-4KiB), and this script
# gives fio the same layout: with a hugetlbfs mount that has free 2 MiB pages, fio gets
# --iomem=mmaphuge on a file there; with transparent huge pages "always", --iomem_align=2m;
# else fio's default (and both sides vary). HUGEPAGES=N (root) reserves N free 2 MiB pages and
# mounts a hugetlbfs for the run (both restored afterwards); FIO_IOMEM=... overrides fio's
# choice. FIO_THP=1 (root) switches transparent huge pages to "always" for fio's runs only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/tmp}"; size="${2:-1GiB}"; rounds="${3:-3}"
command -v fio >/dev/null || { echo "needs fio (apt-get install fio)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }
"$root/iocert" --version >/dev/null   # build once, outside the timed runs

work="$(mktemp -d "$dir/.iocert-bench.XXXXXX")"
thp=/sys/kernel/mm/transparent_hugepage/enabled
thp_was="$(sed 's/.*\[\(.*\)\].*/\1/' "$thp" 2>/dev/null || true)"
nr=/proc/sys/vm/nr_hugepages
nr_was="$(cat "$nr" 2>/dev/null || echo 0)"
huge_mount=""
hugetlbfs_dir=""
cleanup() {
  [ -n "$huge_mount" ] && umount "$huge_mount" 2>/dev/null || true
  [ -n "${HUGEPAGES:-}" ] && echo "$nr_was" >"$nr" 2>/dev/null || true
  rm -rf "$work"; [ -n "$hugetlbfs_dir" ] && rm -f "$hugetlbfs_dir/.fio-bench-$$" || true
  [ -n "${FIO_THP:-}" ] && [ -n "$thp_was" ] && echo "$thp_was" >"$thp" || true
}
trap cleanup EXIT
if [ -n "${HUGEPAGES:-}" ]; then
  echo $(( nr_was + HUGEPAGES )) >"$nr"
  if ! awk '$3 == "hugetlbfs" { found = 1 } END { exit !found }' /proc/mounts; then
    huge_mount="$work/hugepages"; mkdir -p "$huge_mount"; mount -t hugetlbfs -o pagesize=2M none "$huge_mount"
  fi
fi
# fio's buffer layout to match iocert's (see above).
hugetlbfs_dir="$(awk '$3 == "hugetlbfs" && ($4 !~ /pagesize=/ || $4 ~ /pagesize=2M/) { print $2; exit }' /proc/mounts)"
huge_free="$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)"
if [ -n "${FIO_IOMEM:-}" ]; then
  fio_iomem="$FIO_IOMEM"
elif [ -n "$hugetlbfs_dir" ] && [ "${huge_free:-0}" -ge 2 ]; then
  fio_iomem="--iomem=mmaphuge:$hugetlbfs_dir/.fio-bench-$$"
elif [ "$(sed 's/.*\[\(.*\)\].*/\1/' "$thp" 2>/dev/null)" = always ]; then
  fio_iomem="--iomem_align=2m"
else
  fio_iomem=""
fi
echo "fio buffer: ${fio_iomem:-default (malloc)}" >&2
# Before every timed step: sync, then wait (at most 60 s) until the device has nothing in flight
# and its discard counter has stopped moving. On a filesystem mounted with `discard` (this VM's
# root is), deleting the previous step's file sends gigabytes of discards to the device that the
# next step would otherwise compete with; without this, whichever tool ran right after a deletion
# lost. For reads the settle comes before fio's layout job, not between it and the timed read:
# iocert's fs.read writes its file and reads it straight after, and fio does the same.
. "$root/bench/settle.sh"
settle_on "$work"
# Requests completed so far: field 1 for reads, field 5 for writes.
requests() { if [ -n "$settle_stat" ]; then awk -v f="$1" '{print (f == "read") ? $1 : $5}' "$settle_stat"; else echo 0; fi; }
ops=$(python3 -c "import sys; s=sys.argv[1]; u={'KiB':1<<10,'MiB':1<<20,'GiB':1<<30}; print(int(s[:-3])*u[s[-3:]] >> 20)" "$size")
fio_size="${size/iB/}"   # fio reads 1G as 1 GiB
for op in write read; do
  probe=fs.$op
  cat >"$work/spec-$op.yaml" <<YAML
iocert: v1
name: bench-fs-seq
budget: 10min
requirements:
  - id: seq-$op
    probe: $probe
    workload: {pattern: sequential, blockSize: 1MiB, fileSize: $size, direct: true}
    expect: {throughput: {mean: ">= 1 B/s"}}
YAML
done

rows="$work/rows.tsv"
# Each tool takes one step of a round after the other; which goes first alternates from round to
# round (FIRST=fio starts with fio), so that neither always meets the host right after the other
# tool's deletions or always first after the script's own set-up.
iocert_steps() {
  local r="$1"
  for op in write read; do
    out="$work/iocert-$r-$op.json"
    settle
    before=$(requests "$op")
    "$root/iocert" probe --spec "$work/spec-$op.yaml" --fs-path "$work" --out "$out" 2>/dev/null
    after=$(requests "$op")
    python3 - "$out" "$r" "$op" "$(( after - before ))" "$ops" >>"$rows" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
op = sys.argv[3]
for m in doc["measurements"]:
    if m["metric"] == "throughput":
        print(f"{sys.argv[2]}\tiocert\t{op}\tMB/s\t{m['summary']['mean'] / 1e6:.1f}")
        print(f"round {sys.argv[2]} {op}: iocert bufferLayout {m['context'].get('bufferLayout')}", file=sys.stderr)
    if m["metric"] == "latency":
        print(f"{sys.argv[2]}\tiocert\t{op}\tp50_us\t{m['summary']['p50'] / 1e3:.1f}")
        print(f"{sys.argv[2]}\tiocert\t{op}\tp99_us\t{m['summary']['p99'] / 1e3:.1f}")
# The read probe writes its file first: its write requests are not counted (reads are).
print(f"{sys.argv[2]}\tiocert\t{op}\treq/op\t{int(sys.argv[4]) / int(sys.argv[5]):.2f}")
PY
  done
}
fio_steps() {
  local r="$1"
  for op in write read; do
    mkdir -p "$work/fio"
    settle   # before the layout, as iocert's read probe writes its file right before reading it
    if [ "$op" = read ]; then
      # As iocert's fs.read does: write the file with O_DIRECT and sync it, untimed, so the
      # read does not compete with writeback of fio's own buffered file layout.
      fio --name=layout --directory="$work/fio" --filename=bench.dat --rw=write --bs=1M --size="$fio_size" \
          --direct=1 --ioengine=psync --end_fsync=1 --output-format=json >/dev/null
    fi
    [ -n "${FIO_THP:-}" ] && echo always >"$thp"
    before=$(requests "$op")
    fio --name="seq-$op" --directory="$work/fio" --filename=bench.dat --rw="$op" --bs=1M --size="$fio_size" \
        --direct=1 --ioengine=psync --numjobs=1 $fio_iomem ${FIO_EXTRA:-} --output-format=json >"$work/fio-$r-$op.json"
    after=$(requests "$op")
    [ -n "${FIO_THP:-}" ] && echo "$thp_was" >"$thp"
    python3 - "$work/fio-$r-$op.json" "$r" "$op" "$(( after - before ))" "$ops" >>"$rows" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0][sys.argv[3]]
pct = job["clat_ns"]["percentile"]
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\tMB/s\t{job['bw_bytes'] / 1e6:.1f}")
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\tp50_us\t{pct['50.000000'] / 1e3:.1f}")
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\tp99_us\t{pct['99.000000'] / 1e3:.1f}")
print(f"{sys.argv[2]}\tfio\t{sys.argv[3]}\treq/op\t{int(sys.argv[4]) / int(sys.argv[5]):.2f}")
PY
  done
  rm -rf "$work/fio"
}
case "${FIRST:-iocert}" in iocert) lead=1 ;; fio) lead=0 ;; *) echo "FIRST is iocert or fio" >&2; exit 2 ;; esac
for r in $(seq 1 "$rounds"); do
  if [ $(( r % 2 )) -eq "$lead" ]; then
    iocert_steps "$r"; fio_steps "$r"
  else
    fio_steps "$r"; iocert_steps "$r"
  fi
done

python3 "$root/bench/summarize.py" "$rows" write,read MB/s,p50_us,p99_us,req/op
