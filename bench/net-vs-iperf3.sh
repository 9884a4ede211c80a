#!/usr/bin/env bash
# TCP streaming over loopback, 1 and 4 parallel streams: iocert's net.stream (probe --peer
# against an `iocert serve` in its own process) against iperf3 -P 1/-P 4 (client against
# `iperf3 -s`), interleaved (iocert, iperf3, iocert, iperf3, ...), ROUNDS rounds. Prints
# per-round figures, medians and the ratios iocert/iperf3.
#
#   bench/net-vs-iperf3.sh [SECONDS] [ROUNDS]      defaults: 10 3
#
# Both send client -> server in writes of 128 KiB (iperf3's TCP default) for SECONDS after a
# 1-s warm-up that neither counts (iocert warmup: 1s, iperf3 -O 1). Figures: iocert's
# aggregate throughput, mean over its 1-s intervals; iperf3's end.sum_received (what the
# server received), in Mbit/s. On loopback both ends share this machine's CPUs, so this
# compares the tools' own efficiency, not a network.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"; rounds="${2:-3}"
command -v iperf3 >/dev/null || { echo "needs iperf3 (apt-get install iperf3)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }
"$root/iocert" --version >/dev/null   # build once, outside the timed runs

work="$(mktemp -d "${TMPDIR:-/tmp}/iocert-bench-net.XXXXXX")"
iocert_port=17878; iperf_port=15201
"$root/iocert" serve --port "$iocert_port" >"$work/serve.log" 2>&1 &
serve_pid=$!
iperf3 -s -p "$iperf_port" >"$work/iperf3-server.log" 2>&1 &
iperf_pid=$!
trap 'kill "$serve_pid" "$iperf_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q listening "$work/serve.log" 2>/dev/null && break; sleep 0.1; done

spec="$work/spec.yaml"
cat >"$spec" <<YAML
iocert: v1
name: bench-net-stream
budget: $((secs + 10))s
requirements:
  - id: P1
    probe: net.stream
    workload: {streams: 1, direction: send, bufferSize: 128KiB, duration: ${secs}s, warmup: 1s, interval: 1s}
    expect: {throughput: {mean: ">= 1 B/s"}}
  - id: P4
    probe: net.stream
    workload: {streams: 4, direction: send, bufferSize: 128KiB, duration: ${secs}s, warmup: 1s, interval: 1s}
    expect: {throughput: {mean: ">= 1 B/s"}}
YAML

rows="$work/rows.tsv"
for r in $(seq 1 "$rounds"); do
  out="$work/iocert-$r.json"
  "$root/iocert" probe --spec "$spec" --peer "127.0.0.1:$iocert_port" --out "$out" 2>/dev/null
  python3 - "$out" "$r" >>"$rows" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1]))["measurements"]:
    if m["context"].get("scope") == "aggregate":
        if m.get("error"):
            sys.exit(f"iocert {m['id']}: {m['error']}")
        print(f"{sys.argv[2]}\tiocert\t{m['id']}\tMbit/s\t{m['summary']['mean'] * 8 / 1e6:.0f}")
PY
  for p in 1 4; do
    iperf3 -c 127.0.0.1 -p "$iperf_port" -P "$p" -l 128K -t "$secs" -O 1 -J >"$work/iperf3-$r-$p.json"
    python3 - "$work/iperf3-$r-$p.json" "$r" "P$p" >>"$rows" <<'PY'
import json, sys
end = json.load(open(sys.argv[1]))["end"]
print(f"{sys.argv[2]}\tiperf3\t{sys.argv[3]}\tMbit/s\t{end['sum_received']['bits_per_second'] / 1e6:.0f}")
PY
  done
done

python3 "$root/bench/summarize.py" "$rows" P1,P4 Mbit/s iperf3
