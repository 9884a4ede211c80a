#!/usr/bin/env bash
# How often the bundled default spec reaches a verdict on this node, and how long a run takes
# (issue 12: 20 of 20 conclusive, quiet and with one core busy, each within 20 s).
#
#   bench/quick-start-verdicts.sh RUNS [busy]
#
# Runs `./iocert run --out DIR` RUNS times from a scratch directory (so its iocert-out/ and fs-path
# land there, not in the checkout), with `yes >/dev/null` keeping one core busy throughout when
# `busy` is given. Wall time includes the JVM start (and, on a first run after a rebuild, the
# launcher's class-data archive being written: run once before measuring). Prints one line per
# run (exit code, seconds, load, what was INCONCLUSIVE or FAIL) and a summary; the run
# directories are kept under the printed work directory for a look at the reports.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:?usage: bench/quick-start-verdicts.sh RUNS [busy]}"
busy="${2:-}"
work="$(mktemp -d "${TMPDIR:-/tmp}/iocert-quickstart.XXXXXX")"
echo "work directory: $work (commit $(git -C "$root" rev-parse --short HEAD))"
"$root/iocert" --version >/dev/null
ypid=""
if [ "$busy" = busy ]; then
  yes >/dev/null &
  ypid=$!
  trap 'kill "$ypid" 2>/dev/null || true' EXIT
fi
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  code=0
  (cd "$work" && "$root/iocert" run --out "$work/$i" >"$work/$i.txt" 2>&1) || code=$?
  end=$(date +%s.%N)
  misses="$(grep -E '(INCONCLUSIVE|FAIL|ERROR)$' "$work/$i.txt" | grep -v '^Node verdict' | awk '{print $1 "/" $4 "=" $5 $6 $7 $8}' | tr '\n' ' ' || true)"
  printf '%s\t%s\t%.1f\t%s\t%s\n' "$i" "$code" "$(echo "$end - $start" | bc)" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$misses" | tee -a "$work/runs.tsv"
done
python3 - "$work/runs.tsv" <<'PY'
import statistics, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
secs = [float(r[2]) for r in rows]
eligible = sum(1 for r in rows if r[1] == "0")
conclusive = sum(1 for r in rows if r[1] in ("0", "1"))
within = sum(1 for s in secs if s <= 20.0)
loads = [float(r[3]) for r in rows]
print(f"{len(rows)} runs: {eligible} ELIGIBLE, {conclusive} conclusive; wall time median {statistics.median(secs):.1f} s"
      f" ({min(secs):.1f}-{max(secs):.1f}), {within} of {len(rows)} within 20 s; load {min(loads):.2f}-{max(loads):.2f}")
PY
