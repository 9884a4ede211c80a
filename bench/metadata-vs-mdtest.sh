#!/usr/bin/env bash
# Coordinated metadata in ONE shared directory from NODES processes at once: iocert (one
# 'iocert coordinate' and NODES 'iocert join' JVMs, fs.metadata with layout shared-dir) against
# mdtest with NODES MPI ranks in its default shared directory (files only, -F), FILES files per
# process, create, stat and remove, interleaved (iocert, mdtest, ...), ROUNDS rounds.
#
#   bench/metadata-vs-mdtest.sh [DIR] [NODES] [FILES] [ROUNDS]   defaults: /var/tmp 3 20000 3
#
# mdtest: the rate of each phase (all ranks' operations over the phase's time, barrier to
# barrier). iocert: two figures per operation: the aggregate ops mean over the common span (while
# every node ran), and all nodes' operations over the slowest node's time (its operations times
# its mean latency: one thread a node, one operation outstanding, so that is its busy time), which
# is what mdtest's phase rate counts. iocert's stat and unlink make their own files first (not
# measured); mdtest stats and removes the files its create phase made.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-/var/tmp}"; nodes="${2:-3}"; files="${3:-20000}"; rounds="${4:-3}"
mdtest="${MDTEST:-/opt/ior/bin/mdtest}"
[ -x "$mdtest" ] || { echo "needs mdtest at $mdtest (built with IOR, github.com/hpc/ior; MDTEST=PATH)" >&2; exit 2; }
command -v mpirun >/dev/null || { echo "needs mpirun (apt-get install openmpi-bin)" >&2; exit 2; }
"$root/iocert" --version >/dev/null   # build once, outside the timed runs
jar="$root/cli/target/iocert.jar"
java="${JAVA:-java}"

work="$(mktemp -d "$dir/.iocert-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
{
  echo "iocert: v1"; echo "name: bench-metadata"; echo "budget: 120s"; echo "requirements:"
  for op in create stat unlink; do
    echo "  - id: $op"
    echo "    probe: fs.metadata"
    echo "    coordinated: {nodes: $nodes, scope: aggregate, layout: shared-dir}"
    echo "    workload: {operation: $op, files: $files}"
    echo "    expect: {latency: {p99: \"<= 10 s\"}}"
  done
} >"$work/spec.yaml"
head -c 32 /dev/urandom | base64 >"$work/token"; chmod 600 "$work/token"
names="$(seq -s, -f 'p%g' 1 "$nodes")"
# Before every step: sync, then wait (at most 60 s) until the device has nothing in flight and
# its discard counter stands still: removing the previous step's 60,000 files commits their
# discards through the journal, and a create running meanwhile waits on that journal.
. "$root/bench/settle.sh"
settle_on "$work"

rows="$work/rows.tsv"
for r in $(seq 1 "$rounds"); do
  settle
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "$java" -jar "$jar" coordinate --spec "$work/spec.yaml" --participants "$names" --port "$port" \
    --token-file "$work/token" --out "$work/iocert-$r" --format json >/dev/null 2>"$work/coord-$r.log" &
  coord=$!
  mkdir -p "$work/fs"
  for i in $(seq 1 "$nodes"); do
    "$java" -jar "$jar" join --coordinator "127.0.0.1:$port" --token-file "$work/token" --name "p$i" \
      --fs-path "$work/fs" --wait 2min >"$work/join-$r-$i.log" 2>&1 &
  done
  wait "$coord" || true
  wait
  python3 - "$work/iocert-$r/result.json" "$r" >>"$rows" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
ms = doc["measurements"]
for op, label in (("create", "File creation"), ("stat", "File stat"), ("unlink", "File removal")):
    agg = next(m for m in ms if m["id"] == op and m["metric"] == "ops" and m["context"].get("scope") == "aggregate")
    if agg.get("error"):
        sys.exit(f"iocert {op} round {sys.argv[2]}: {agg['error']}")
    nodes = [m for m in ms if m["id"] == op and m["metric"] == "latency" and m["context"].get("scope") == "node"]
    total = sum(m["samples"] for m in nodes)
    slowest = max(m["samples"] * m["summary"]["mean"] for m in nodes) / 1e9
    # No aligned interval when the fastest node ended within the first interval of the slowest's start.
    mean = agg["summary"]["mean"] if "summary" in agg else float("nan")
    print(f"{sys.argv[2]}\tiocert\t{label}\t{mean:.0f}\t{total / slowest:.0f}")
PY
  mkdir -p "$work/md"
  settle
  mpirun --allow-run-as-root --oversubscribe -np "$nodes" "$mdtest" -F -n "$files" -d "$work/md" -i 1 \
    >"$work/mdtest-$r.log" 2>&1
  for label in "File creation" "File stat" "File removal"; do
    # The SUMMARY rate table: "File creation : max min mean stddev".
    rate="$(awk -v l="$label" '/SUMMARY rate/ {s = 1} s && index($0, l) {sub(/.*:/, ""); print $3; exit}' "$work/mdtest-$r.log")"
    [ -n "$rate" ] || { cat "$work/mdtest-$r.log" >&2; exit 1; }
    printf '%s\tmdtest\t%s\t%s\t\n' "$r" "$label" "$rate" >>"$rows"
  done
  rm -rf "$work/md"
done

python3 - "$rows" "$nodes" "$files" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print(f"{sys.argv[2]} processes, {sys.argv[3]} files each, one shared directory")
for r in rows:
    extra = f"  (all ops / slowest node's time {float(r[4]):10.0f})" if r[4] else ""
    print(f"  round {r[0]}  {r[1]:<6} {r[2]:<14} {float(r[3]):10.0f} ops/s{extra}")
for label in ("File creation", "File stat", "File removal"):
    means = [float(r[3]) for r in rows if r[1] == "iocert" and r[2] == label and r[3] != "nan"]
    io_mean = statistics.median(means) if means else float("nan")
    io_all = statistics.median(float(r[4]) for r in rows if r[1] == "iocert" and r[2] == label)
    md = statistics.median(float(r[3]) for r in rows if r[1] == "mdtest" and r[2] == label)
    print(f"median {label:<14} iocert common-span mean {io_mean:10.0f}, all/slowest {io_all:10.0f}, mdtest {md:10.0f}"
          f"  ratio (all/slowest) {io_all / md:.3f}")
PY
