#!/usr/bin/env bash
# Scale of the results store (issue 14): fills a SQLite store with NODES x RUNS certified results
# (FillStore, through the same record() the commands use; 1,000 x 100 = 100,000 by default),
# then times 'history' and 'drift' for one node (ROUNDS rounds, JVM start included, medians) and
# 'publish' of the whole store into a new directory.
#
# 'history' and 'drift' are timed, interleaved in each round, as a user runs them:
#   launcher   ./iocert ... (the launcher's class-data archive, extracted SQLite library and
#              client compiler; its first run, which writes the archive, is done before round 1)
#   java -jar  java -jar cli/target/iocert.jar ... (the same jar without the launcher)
#   before     java -jar $BEFORE_JAR ... when BEFORE_JAR names an older build to compare with
#
#   [BEFORE_JAR=old-iocert.jar] bench/store-scale.sh [NODES] [RUNS] [ROUNDS] [STORE]
#   defaults: 1000 100 5 /tmp/iocert-scale-store/store.db (kept and reused when it exists)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
nodes="${1:-1000}"; runs="${2:-100}"; rounds="${3:-5}"; store="${4:-/tmp/iocert-scale-store/store.db}"
"$root/iocert" --version >/dev/null
jar="$root/cli/target/iocert.jar"
mkdir -p "$(dirname "$store")"
if [ ! -f "$store" ]; then
  (cd "$root" && mvn -B -q -pl store -am test-compile)
  start=$(date +%s.%N)
  java -cp "$root/store/target/test-classes:$jar" io.iocert.store.bench.FillStore "$store" "$nodes" "$runs" 2>&1 | tail -1
  echo "filled in $(echo "$(date +%s.%N) - $start" | bc) s"
fi
echo "store: $store, $(du -h "$store" | cut -f1); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A times
time_it() {  # key, label, command...: prints seconds and exit code, keeps the time under key
  local key="$1" label="$2"; shift 2
  local start end code=0 secs
  start=$(date +%s.%N)
  "$@" >/tmp/iocert-scale-out.txt 2>/tmp/iocert-scale-err.txt || code=$?
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc)
  times[$key]="${times[$key]:-} $secs"
  printf '%-40s %6.2f s  exit %s\n' "$label" "$secs" "$code"
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
args_history=(history --store "$store" --node node-00000 --spec scale)
args_drift=(drift --store "$store" --node node-00000 --spec scale)
# The launcher's first run of each command writes its class-data archive: not timed.
"$root/iocert" "${args_history[@]}" >/dev/null
"$root/iocert" "${args_drift[@]}" >/dev/null || true
for r in $(seq 1 "$rounds"); do
  for cmd in history drift; do
    declare -n a="args_$cmd"
    time_it "$cmd launcher" "$cmd launcher (round $r)" "$root/iocert" "${a[@]}"
    time_it "$cmd java -jar" "$cmd java -jar (round $r)" java -jar "$jar" "${a[@]}"
    if [ -n "${BEFORE_JAR:-}" ]; then
      time_it "$cmd before" "$cmd before (round $r)" java -jar "$BEFORE_JAR" "${a[@]}"
    fi
    unset -n a
  done
done
echo "medians of $rounds rounds:"
for key in "history launcher" "history java -jar" "history before" "drift launcher" "drift java -jar" "drift before"; do
  [ -n "${times[$key]:-}" ] && printf '  %-20s %6.2f s\n' "$key" "$(echo "${times[$key]}" | median)"
done
head -3 /tmp/iocert-scale-out.txt
if [ -z "${SKIP_PUBLISH:-}" ]; then
  site="$(mktemp -d /tmp/iocert-scale-site.XXXXXX)"
  trap 'rm -rf "$site"' EXIT
  time_it publish "publish (all of it, launcher)" "$root/iocert" publish --store "$store" --out "$site/site"
  cat /tmp/iocert-scale-err.txt
  echo "site: $(du -sh "$site/site" | cut -f1), $(find "$site/site" -type f | wc -l) files"
fi
