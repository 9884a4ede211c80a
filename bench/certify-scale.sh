#!/usr/bin/env bash
# Scale of 'iocert certify' over a fleet: probes this node once with bench/specs/scale.yaml
# (ten measurements), copies the result into N node directories (a different hostname each),
# and times 'iocert certify --spec S DIR' with a 1 GiB heap for 1,000 and 10,000 files,
# ROUNDS rounds each, on a plain JVM and through ./iocert; prints the medians and the per-file time.
#
#   bench/certify-scale.sh [ROUNDS] [SIZES]      defaults: 3 "1000 10000"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"; sizes="${2:-1000 10000}"
"$root/iocert" --version >/dev/null
jar="$root/cli/target/iocert.jar"
work="$(mktemp -d /tmp/iocert-scale.XXXXXX)"
trap 'rm -rf "$work"' EXIT
spec="$root/bench/specs/scale.yaml"
"$root/iocert" probe --spec "$spec" --fs-path "$work" --out "$work/reference.result.json" 2>/dev/null
python3 - "$work/reference.result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ms = r["measurements"]
print(f"reference result: {len(ms)} measurements, "
      f"{sum(1 for m in ms if 'histogram' in m)} histograms, {sum(1 for m in ms if 'blocks' in m)} with blocks, "
      f"{len(open(sys.argv[1]).read()) // 1024} KiB")
PY
for n in $sizes; do
  python3 - "$work/reference.result.json" "$work/fleet-$n" "$n" <<'PY'
import json, os, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
doc = json.load(open(src))
for i in range(n):
    doc["node"]["hostname"] = f"node-{i:05d}"
    d = os.path.join(dst, f"node-{i:05d}")
    os.makedirs(d)
    with open(os.path.join(d, "result.json"), "w") as f:
        json.dump(doc, f, indent=2)
PY
done
# Two ways, interleaved: the jar on a plain JVM (java -Xmx1g -jar), and ./iocert as users run it
# (the same heap; the launcher adds its class-data archive and, for certify, the throughput
# collector). The launcher's first run writes its archive: one run before the rounds.
IOCERT_JAVA_OPTS=-Xmx1g "$root/iocert" certify --spec "$spec" --format json "$work/fleet-${sizes%% *}" >/dev/null 2>&1 || true
for r in $(seq 1 "$rounds"); do
  for n in $sizes; do
    for how in java launcher; do
      start=$(date +%s.%N)
      code=0
      if [ "$how" = java ]; then
        java -Xmx1g -jar "$jar" certify --spec "$spec" --format json "$work/fleet-$n" >"$work/report-$n.json" 2>/dev/null || code=$?
      else
        IOCERT_JAVA_OPTS=-Xmx1g "$root/iocert" certify --spec "$spec" --format json "$work/fleet-$n" \
          >"$work/report-$n-launcher.json" 2>/dev/null || code=$?
      fi
      end=$(date +%s.%N)
      printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$n" "$how" "$(echo "$end - $start" | bc)" "$code" >>"$work/rows.tsv"
    done
  done
done
python3 - "$work/rows.tsv" "$work" <<'PY'
import collections, json, statistics, sys
t = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r, n, how, secs, code = line.split()
    t[(int(n), how)].append(float(secs))
for n, how in sorted(t):
    rep = json.load(open(f"{sys.argv[2]}/report-{n}.json"))
    verdicts = collections.Counter(node["verdict"] for node in rep["nodes"])
    med = statistics.median(t[(n, how)])
    print(f"{n:>6} files, {how:>8}: {' '.join(f'{x:.2f}' for x in t[(n, how)])} s -> median {med:.2f} s,"
          f" {med / n * 1e3:.2f} ms/file; {len(rep['nodes'])} node reports {dict(verdicts)}")
PY
cmp -s "$work/report-${sizes##* }.json" "$work/report-${sizes##* }-launcher.json" \
  && echo "the two ways wrote the same report" || echo "the two ways wrote different reports"
