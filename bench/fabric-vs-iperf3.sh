#!/usr/bin/env bash
# The fabric under load: iocert's coordinated net.stream ring against four iperf3 pairs run at
# once, in the same network namespaces, interleaved (iocert, iperf3, iocert, ...), ROUNDS rounds.
# Prints per-round figures, medians and the ratios iocert/iperf3. Needs root, ip, tc, iperf3.
#
#   bench/fabric-vs-iperf3.sh [SECONDS] [ROUNDS]      defaults: 5 3
#
# The topology of NetFabricGroundTruthIT: participants p1..p4 in namespaces of their own, p1 and
# p3 on one bridge, p2 and p4 on another, the bridges joined by one veth trunk shaped by tbf at
# 200 Mbit/s each way (50 ms queue); p4's switch port is shaped at 50 Mbit/s. In the ring each
# node receives from the next (p1 <- p2 <- p3 <- p4 <- p1), so every flow crosses the trunk.
#   iocert: coordinate + four join, `net.stream` coordinated {pattern: ring}, direction receive,
#           1 stream, 128 KiB reads, 1-s warm-up, SECONDS measured, 500-ms intervals; the
#           aggregate's mean over the aligned intervals, and p4's pair (node mean).
#   iperf3: `iperf3 -s` in every participant's namespace; at once, on node i, `iperf3 -c
#           <node i+1> -R -t SECONDS -O 1 -l 128K -J` (the server sends, the client receives);
#           the sum of the four end.sum_received, and p4's.
# Figures in Mbit/s (10^6 bit/s) of TCP payload. The goodput ceiling of the trunk both ways is
# 2 x 200 x 1448/1514 = 382.6 Mbit/s, of p4's port 47.8.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-5}"; rounds="${2:-3}"
[[ $(id -u) == 0 ]] || { echo "needs root (network namespaces, tc)" >&2; exit 2; }
for c in ip tc iperf3 python3; do command -v "$c" >/dev/null || { echo "needs $c" >&2; exit 2; }; done
"$root/iocert" --version >/dev/null   # build once, outside the timed runs
jar="$root/cli/target/iocert.jar"

tag="$(printf '%04x' $((RANDOM % 65536)))"
net="10.215.$((RANDOM % 200 + 20))"
sw="iocert-bfab-sw-$tag"
nodes=(p1 p2 p3 p4)
ns() { echo "iocert-bfab-$1-$tag"; }
work="$(mktemp -d "${TMPDIR:-/tmp}/iocert-bench-fabric.XXXXXX")"
cleanup() {
  for n in "${nodes[@]}"; do ip netns pids "$(ns "$n")" 2>/dev/null | xargs -r kill 2>/dev/null || true; done
  ip netns pids "$sw" 2>/dev/null | xargs -r kill 2>/dev/null || true
  for n in "${nodes[@]}"; do ip netns del "$(ns "$n")" 2>/dev/null || true; done
  ip netns del "$sw" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

tbf() { ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$3" burst 128kb latency 50ms; }
ip netns add "$sw"
for b in brL brR; do ip -n "$sw" link add "$b" type bridge; ip -n "$sw" link set "$b" up; done
ip -n "$sw" link add trL type veth peer name trR
ip -n "$sw" link set trL master brL up
ip -n "$sw" link set trR master brR up
ip -n "$sw" link set lo up
ip -n "$sw" addr add "$net.100/24" dev brL
tbf "$sw" trL 200mbit; tbf "$sw" trR 200mbit
for i in 0 1 2 3; do
  n="${nodes[$i]}"; bridge=brL; (( i % 2 == 1 )) && bridge=brR
  ip netns add "$(ns "$n")"
  ip link add "f$n$tag" type veth peer name "s$n$tag"
  ip link set "f$n$tag" netns "$(ns "$n")"
  ip link set "s$n$tag" netns "$sw"
  ip -n "$sw" link set "s$n$tag" master "$bridge" up
  ip -n "$(ns "$n")" addr add "$net.$((i + 1))/24" dev "f$n$tag"
  ip -n "$(ns "$n")" link set "f$n$tag" up
  ip -n "$(ns "$n")" link set lo up
  ip netns exec "$(ns "$n")" iperf3 -s -p 15201 -D --logfile "$work/iperf3-server-$n.log"
done
tbf "$sw" "sp4$tag" 50mbit

head -c 32 /dev/urandom | base64 >"$work/token"
spec="$work/spec.yaml"
cat >"$spec" <<YAML
iocert: v1
name: bench-fabric-ring
budget: $((secs + 20))s
requirements:
  - id: ring
    probe: net.stream
    coordinated: {nodes: 4, scope: aggregate, pattern: ring}
    workload: {direction: receive, bufferSize: 128KiB, duration: ${secs}s, warmup: 1s, interval: 500ms}
    expect: {throughput: {mean: ">= 1 B/s"}}
YAML

rows="$work/rows.tsv"
for r in $(seq 1 "$rounds"); do
  out="$work/iocert-$r"
  ip netns exec "$sw" java -jar "$jar" coordinate --spec "$spec" --participants p1,p2,p3,p4 --bind "$net.100" \
    --port 7879 --token-file "$work/token" --out "$out" --format json >"$work/coord-$r.json" 2>"$work/coord-$r.log" &
  coord=$!
  for n in "${nodes[@]}"; do
    ip netns exec "$(ns "$n")" java -jar "$jar" join --coordinator "$net.100:7879" --token-file "$work/token" \
      --name "$n" --fs-path "$work" --wait 60s >"$work/join-$r-$n.log" 2>&1 &
  done
  wait "$coord" || true
  wait
  python3 - "$out/result.json" "$r" >>"$rows" <<'PY'
import json, sys
ms = json.load(open(sys.argv[1]))["measurements"]
for m in ms:
    if m.get("error"):
        sys.exit(f"iocert {m['id']}: {m['error']}")
agg = next(m for m in ms if m["context"].get("scope") == "aggregate")
p4 = next(m for m in ms if m["context"].get("scope") == "node" and m["context"].get("node") == "p4")
print(f"{sys.argv[2]}\tiocert\taggregate\t{agg['summary']['mean'] * 8 / 1e6:.1f}")
print(f"{sys.argv[2]}\tiocert\tp4\t{p4['summary']['mean'] * 8 / 1e6:.1f}")
PY
  for i in 0 1 2 3; do
    n="${nodes[$i]}"; next=$(( (i + 1) % 4 + 1 ))
    ip netns exec "$(ns "$n")" iperf3 -c "$net.$next" -p 15201 -R -t "$secs" -O 1 -l 128K -J >"$work/iperf3-$r-$n.json" &
  done
  wait
  python3 - "$work" "$r" >>"$rows" <<'PY'
import json, sys
total = 0.0
p4 = 0.0
for n in ("p1", "p2", "p3", "p4"):
    d = json.load(open(f"{sys.argv[1]}/iperf3-{sys.argv[2]}-{n}.json"))
    if "error" in d:
        sys.exit(f"iperf3 {n}: {d['error']}")
    bps = d["end"]["sum_received"]["bits_per_second"]
    total += bps
    if n == "p4":
        p4 = bps
print(f"{sys.argv[2]}\tiperf3\taggregate\t{total / 1e6:.1f}")
print(f"{sys.argv[2]}\tiperf3\tp4\t{p4 / 1e6:.1f}")
PY
done

python3 - "$rows" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
print("round\ttool\tfigure\tMbit/s")
for r in rows:
    print("\t".join(r))
for fig in ("aggregate", "p4"):
    a = statistics.median(float(r[3]) for r in rows if r[1] == "iocert" and r[2] == fig)
    b = statistics.median(float(r[3]) for r in rows if r[1] == "iperf3" and r[2] == fig)
    print(f"median {fig}: iocert {a:.1f}, iperf3 {b:.1f}, iocert/iperf3 {a / b:.3f}")
PY
