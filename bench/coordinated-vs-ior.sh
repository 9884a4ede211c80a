#!/usr/bin/env bash
# Coordinated sequential 1 MiB O_DIRECT write from NODES processes at once: iocert (one
# 'iocert coordinate' and NODES 'iocert join' JVMs, file per process) against IOR with NODES MPI
# ranks, file per process (-F, N-N) and one shared file (N-1, for reference: iocert has no N-1 yet),
# all in one directory, interleaved (iocert, IOR N-N, IOR N-1, ...), ROUNDS rounds. With
# LIMIT_BPS > 0 (root, cgroup v1 blkio) every writer runs in one cgroup with that write limit, so
# both tools should report the limit; with 0 they measure the disk as it is.
#
#   bench/coordinated-vs-ior.sh [DIR] [NODES] [ROUNDS] [LIMIT_BPS]   defaults: /var/tmp 3 3 62914560
#
# iocert: the aggregate's mean over the aligned 500-ms intervals of a 10-s run (duration: 10s),
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
# Runs a command inside the cgroup (if any) from its first instruction.
in_cg() { if [ -n "$cg" ]; then sh -c 'echo $$ > "$1" && shift && exec "$@"' sh "$cg/cgroup.procs" "$@"; else "$@"; fi; }

cat >"$work/spec.yaml" <<YAML
iocert: v1
name: bench-coordinated
budget: 60s
requirements:
  - id: together
    probe: fs.write
    coordinated: {nodes: $nodes, scope: aggregate}
    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 4GiB, direct: true, duration: 10s, interval: 500ms}
    expect: {throughput: {mean: ">= 1 B/s"}}
YAML
head -c 32 /dev/urandom | base64 >"$work/token"; chmod 600 "$work/token"
names="$(seq -s, -f 'p%g' 1 "$nodes")"

rows="$work/rows.tsv"
for r in $(seq 1 "$rounds"); do
  # iocert: coordinator on a free port, participants in the cgroup.
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$java" -jar "$jar" coordinate --spec "$work/spec.yaml" --participants "$names" --port "$port" \
    --token-file "$work/token" --out "$work/iocert-$r" --format json >/dev/null 2>"$work/coord-$r.log" &
  coord=$!
  mkdir -p "$work/fs"
  for i in $(seq 1 "$nodes"); do
    in_cg "$java" -jar "$jar" join --coordinator "127.0.0.1:$port" --token-file "$work/token" --name "p$i" \
      --fs-path "$work/fs" --wait 2min >"$work/join-$r-$i.log" 2>&1 &
  done
  wait "$coord" || true
  wait
  python3 - "$work/iocert-$r/result.json" "$r" >>"$rows" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
m = next(x for x in doc["measurements"] if x["metric"] == "throughput" and x["context"].get("scope") == "aggregate")
print(f"{sys.argv[2]}\tiocert N-N\t{m['summary']['mean']:.0f}\t{m['context'].get('shares', '')}")
PY
  for layout in N-N N-1; do
    mkdir -p "$work/ior"
    flags=(-a POSIX --posix.odirect -w -t 1m -b 4g -D 10 -i 1 -o "$work/ior/file")
    [ "$layout" = N-N ] && flags+=(-F)
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
for tool in ("iocert N-N", "IOR N-N", "IOR N-1"):
    vals = [float(r[2]) for r in rows if r[1] == tool]
    med[tool] = statistics.median(vals)
    vs = f"  ({(med[tool] / limit - 1) * 100:+.2f}% of the limit)" if limit else ""
    print(f"median {tool:<11} {med[tool] / 1e6:8.1f} MB/s{vs}")
print(f"iocert N-N / IOR N-N = {med['iocert N-N'] / med['IOR N-N']:.3f}")
PY
