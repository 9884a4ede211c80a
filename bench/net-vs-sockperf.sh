#!/usr/bin/env bash
# TCP ping-pong over loopback with 64-byte and 8-KiB messages: iocert's net.pingpong (probe
# --peer against an `iocert serve` in its own process) against sockperf ping-pong (client
# against `sockperf server --tcp`), interleaved (iocert, sockperf, iocert, sockperf, ...),
# ROUNDS rounds. Prints per-round figures, medians and the ratios iocert/sockperf.
#
#   bench/net-vs-sockperf.sh [SECONDS] [ROUNDS]      defaults: 10 3
#
# Like with like: both run a closed loop (one message outstanding, the next sent when the
# reply is in; sockperf's ping-pong default is --mps=max), TCP with Nagle off, messages of the
# same size on the wire, for SECONDS each. sockperf prints half the round trip ("latency")
# unless told --full-rtt, which this script passes, so both columns are full round-trip
# times. iocert warms up for 1 s first (not counted); sockperf sends its own warm-up messages.
# Figures: RTT p50 and p99 in nanoseconds (sockperf's "percentile 50.000" and
# "99.000", which it prints in microseconds).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"; rounds="${2:-3}"
command -v sockperf >/dev/null || { echo "needs sockperf (apt-get install sockperf)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "needs python3" >&2; exit 2; }
"$root/iocert" --version >/dev/null   # build once, outside the timed runs

work="$(mktemp -d "${TMPDIR:-/tmp}/iocert-bench-net.XXXXXX")"
iocert_port=17879; sockperf_port=11112
"$root/iocert" serve --port "$iocert_port" >"$work/serve.log" 2>&1 &
serve_pid=$!
sockperf server --tcp -i 127.0.0.1 -p "$sockperf_port" >"$work/sockperf-server.log" 2>&1 &
sockperf_pid=$!
trap 'kill "$serve_pid" "$sockperf_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q listening "$work/serve.log" 2>/dev/null && break; sleep 0.1; done

spec="$work/spec.yaml"
cat >"$spec" <<YAML
iocert: v1
name: bench-net-pingpong
budget: $((2 * secs + 10))s
requirements:
  - id: pingpong
    probe: net.pingpong
    workload: {sizes: [64B, 8KiB], duration: ${secs}s, warmup: 1s}
    expect: {rtt: {p50: ">= 0 ns"}}
YAML

rows="$work/rows.tsv"
for r in $(seq 1 "$rounds"); do
  out="$work/iocert-$r.json"
  "$root/iocert" probe --spec "$spec" --peer "127.0.0.1:$iocert_port" --out "$out" 2>/dev/null
  python3 - "$out" "$r" >>"$rows" <<'PY'
import json, sys
for m in json.load(open(sys.argv[1]))["measurements"]:
    if m.get("error"):
        sys.exit(f"iocert {m['context'].get('messageSize')} B: {m['error']}")
    case = "64B" if m["context"]["messageSize"] == "64" else "8KiB"
    print(f"{sys.argv[2]}\tiocert\t{case}\tp50_ns\t{m['summary']['p50']:.0f}")
    print(f"{sys.argv[2]}\tiocert\t{case}\tp99_ns\t{m['summary']['p99']:.0f}")
PY
  for size in 64 8192; do
    case="64B"; [ "$size" = 8192 ] && case="8KiB"
    sockperf ping-pong --tcp -i 127.0.0.1 -p "$sockperf_port" -m "$size" -t "$secs" --full-rtt >"$work/sockperf-$r-$size.log" 2>&1
    python3 - "$work/sockperf-$r-$size.log" "$r" "$case" >>"$rows" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for pct, name in (("50.000", "p50_ns"), ("99.000", "p99_ns")):
    m = re.search(r"percentile " + re.escape(pct) + r" =\s*([0-9.]+)", text)
    if not m:
        sys.exit("no percentile " + pct + " in sockperf output:\n" + text)
    print(f"{sys.argv[2]}\tsockperf\t{sys.argv[3]}\t{name}\t{float(m.group(1)) * 1e3:.0f}")
PY
  done
done

python3 "$root/bench/summarize.py" "$rows" 64B,8KiB p50_ns,p99_ns sockperf
