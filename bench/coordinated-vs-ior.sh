#!/usr/bin/env bash
# Coordinated sequential 1 MiB O_DIRECT write from NODES processes at once: iocert (one
# 'iocert coordinate' and NODES 'iocert join' JVMs) against IOR with NODES MPI ranks, each tool
# file per process (N-N: iocert layout file-per-process, IOR -F) and one shared file (N-1: iocert
# layout shared-file, IOR without -F; both put writer i's 4 GiB block at offset i * 4 GiB), all in
# one directory, interleaved (iocert N-N, iocert N-1, IOR N-N, IOR N-1, ...), ROUNDS rounds. With
# LIMIT_BPS > 0 (root, cgroup v1 blkio) every writer runs in one cgroup with that write limit, so
# both tools should report the limit; with 0 they measure the disk as it is.
#
#   bench/coordinated-vs-ior.sh [DIR] [NODES] [ROUNDS] [LIMIT_BPS]   defaults: /var/tmp 3 3 62914560
#
# iocert: the aggregate's mean over the aligned 500-ms intervals of a run that ends, like IOR's,
# at 10 s or when the writer has written its 4 GiB once (duration: 10s, totalSize: 4GiB; without
# totalSize a fast disk would wrap and overwrite blocks already allocated, which IOR never does),
# and the nodes' shares. IOR: its write bandwidth (the summary's write row, one iteration) with a 10-s
# stonewall (-D 10), -t 1m, --posix.odirect; IOR counts from the first open to the last close,
# iocert only the common span in which all nodes wrote.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/var/tmp}"; nodes="${2:-3}"; rounds="${3:-3}"; limit="${4:-62914560}"
ior="${IOR:-/opt/ior/bin/ior}"
[ -x "$ior" ] || { echo "needs IOR at $ior (build it from github.com/hpc/ior with Open MPI; IOR=PATH)" >&2; exit 2; }
command -v mpirun >/dev/null || { echo "needs mpirun (apt-get install openmpi-bin)" >&2; exit 2; }
"$root/iocert" --version >/dev/null   # build once, outside the timed runs
jar="$root/cli/target/iocert.jar"
java="${JAVA:-java}"

work="$(mktemp -d "$dir/.iocert-bench.XXXXXX")"
cg=""
cleanup() {
  rm -rf "$work"
  if [ -n "$cg" ]; then for i in $(seq 1 50); do rmdir "$cg" 2>/dev/null && break; sleep 0.1; done; fi
}
trap cleanup EXIT
if [ "$limit" != 0 ]; then
  devno="$(stat -c '%d' "$work")"
  major=$(( (devno >> 8) & 0xfff )); minor=$(( (devno & 0xff) | ((devno >> 12) & 0xfff00) ))
  sys="/sys/dev/block/$major:$minor"
  [ -e "$sys/partition" ] && { read -r dev <"$(readlink -f "$sys")/../dev"; } || dev="$major:$minor"
  cg="/sys/fs/cgroup/blkio/iocert-bench-$$"
  mkdir "$cg"
  echo "$dev $limit" >"$cg/blkio.throttle.write_bps_device"
fi
# Before every step of either tool: sync (on a virtual disk with a host write-back cache this also
# waits until the host has written out the previous step's gigabytes), then wait (at most 60 s)
# until the device has nothing in flight and its discard counter has stopped moving (deleting the
# previous step's files sends discards on a filesystem mounted with discard). Without it, the
# step after a large unthrottled write competes with that write's flush and looks slower.
. "$root/bench/settle.sh"
settle_on "$work"
# Runs a command inside the cgroup (if any) from its first instruction.
in_cg() { if [ -n "$cg" ]; then sh -c 'echo $$ > "$1" && shift && exec "$@"' sh "$cg/cgroup.procs" "$@"; else "$@"; fi; }

for layout in file-per-process shared-file; do
  cat >"$work/spec-$layout.yaml" <<YAML
iocert: v1
name: bench-coordinated-$layout
budget: 60s
requirements:
  - id: together
    probe: fs.write
    coordinated: {nodes: $nodes, scope: aggregate, layout: $layout}
    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 4GiB, totalSize: 4GiB, direct: true, duration: 10s,
               interval: 500ms}
    expect: {throughput: {mean: ">= 1 B/s"}}
YAML
done
head -c 32 /dev/urandom | base64 >"$work/token"; chmod 600 "$work/token"
names="$(seq -s, -f 'p%g' 1 "$nodes")"

rows="$work/rows.tsv"
# One iocert run: coordinator on a free port, participants in the cgroup; appends its row.
run_iocert() {  # ROUND LAYOUT LABEL
  local r="$1" layout="$2" label="$3" port coord
  settle
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$java" -jar "$jar" coordinate --spec "$work/spec-$layout.yaml" --participants "$names" --port "$port" \
    --token-file "$work/token" --out "$work/iocert-$r-$layout" --format json >/dev/null 2>"$work/coord-$r-$layout.log" &
  coord=$!
  mkdir -p "$work/fs"
  for i in $(seq 1 "$nodes"); do
    in_cg "$java" -jar "$jar" join --coordinator "127.0.0.1:$port" --token-file "$work/token" --name "p$i" \
      --fs-path "$work/fs" --wait 2min >"$work/join-$r-$layout-$i.log" 2>&1 &
  done
  wait "$coord" || true
  wait
  python3 - "$work/iocert-$r-$layout/result.json" "$r" "$label" >>"$rows" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
m = next(x for x in doc["measurements"] if x["metric"] == "throughput" and x["context"].get("scope") == "aggregate")
if m.get("error"):
    sys.exit(f"iocert {sys.argv[3]} round {sys.argv[2]}: {m['error']}")
print(f"{sys.argv[2]}\t{sys.argv[3]}\t{m['summary']['mean']:.0f}\t{m['context'].get('shares', '')}")
PY
}

for r in $(seq 1 "$rounds"); do
  run_iocert "$r" file-per-process "iocert N-N"
  run_iocert "$r" shared-file "iocert N-1"
  for layout in N-N N-1; do
    mkdir -p "$work/ior"
    flags=(-a POSIX --posix.odirect -w -t 1m -b 4g -D 10 -i 1 -o "$work/ior/file")
    [ "$layout" = N-N ] && flags+=(-F)
    settle
    in_cg mpirun --allow-run-as-root --oversubscribe -np "$nodes" "$ior" "${flags[@]}" >"$work/ior-$r-$layout.log" 2>&1
    # The write row of IOR's summary table: its second column is the bandwidth in MiB/s.
    bw="$(awk '/^Summary of all tests/ {s = 1} s && $1 == "write" {print $2; exit}' "$work/ior-$r-$layout.log")"
    [ -n "$bw" ] || { cat "$work/ior-$r-$layout.log" >&2; exit 1; }
    python3 -c "import sys; print(f'{sys.argv[1]}\tIOR {sys.argv[2]}\t{float(sys.argv[3]) * 1048576:.0f}\t')" "$r" "$layout" "$bw" >>"$rows"
    rm -rf "$work/ior"
  done
done

python3 - "$rows" "$limit" "$nodes" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
limit = int(sys.argv[2])
print(f"{sys.argv[3]} writers, sequential 1 MiB O_DIRECT, 10 s" + (f", one blkio cgroup at {limit} B/s" if limit else ", no throttle"))
for r in rows:
    print(f"  round {r[0]}  {r[1]:<11} {float(r[2]) / 1e6:8.1f} MB/s  {r[3]}")
med = {}
for tool in ("iocert N-N", "iocert N-1", "IOR N-N", "IOR N-1"):
    vals = [float(r[2]) for r in rows if r[1] == tool]
    med[tool] = statistics.median(vals)
    vs = f"  ({(med[tool] / limit - 1) * 100:+.2f}% of the limit)" if limit else ""
    print(f"median {tool:<11} {med[tool] / 1e6:8.1f} MB/s{vs}")
print(f"iocert N-N / IOR N-N = {med['iocert N-N'] / med['IOR N-N']:.3f}")
print(f"iocert N-1 / IOR N-1 = {med['iocert N-1'] / med['IOR N-1']:.3f}")
PY
