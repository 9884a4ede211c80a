#!/usr/bin/env bash
# Scale of the results store (issue 14): fills a SQLite store with NODES x RUNS certified results
# (FillStore, through the same record() the commands use; 1,000 x 100 = 100,000 by default),
# then times, with the iocert jar as a user runs it, 'history' and 'drift' for one node
# (ROUNDS rounds each; JVM start included) and 'publish' of the whole store into a new directory.
#
#   bench/store-scale.sh [NODES] [RUNS] [ROUNDS] [STORE]
#   defaults: 1000 100 3 /tmp/iocert-scale-store/store.db (kept and reused when it exists)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
nodes="${1:-1000}"; runs="${2:-100}"; rounds="${3:-3}"; store="${4:-/tmp/iocert-scale-store/store.db}"
"$root/iocert" --version >/dev/null
jar="$root/cli/target/iocert.jar"
mkdir -p "$(dirname "$store")"
if [ ! -f "$store" ]; then
  (cd "$root" && mvn -B -q -pl store -am test-compile)
  cp="$(cd "$root/store" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout)"
  mods="$root/spec-schema/target/classes:$root/results/target/classes:$root/certifier/target/classes"
  start=$(date +%s.%N)
  java -cp "$root/store/target/classes:$root/store/target/test-classes:$mods:$cp" io.iocert.store.bench.FillStore \
    "$store" "$nodes" "$runs" 2>&1 | tail -1
  echo "filled in $(echo "$(date +%s.%N) - $start" | bc) s"
fi
echo "store: $store, $(du -h "$store" | cut -f1)"
time_it() {  # label, command...: prints seconds and exit code
  local label="$1"; shift
  local start end code=0
  start=$(date +%s.%N)
  "$@" >/tmp/iocert-scale-out.txt 2>/tmp/iocert-scale-err.txt || code=$?
  end=$(date +%s.%N)
  printf '%-30s %6.2f s  exit %s\n' "$label" "$(echo "$end - $start" | bc)" "$code"
}
for r in $(seq 1 "$rounds"); do
  time_it "history node-00000 (round $r)" java -jar "$jar" history --store "$store" --node node-00000 --spec scale
  time_it "drift node-00000 (round $r)" java -jar "$jar" drift --store "$store" --node node-00000 --spec scale
done
head -3 /tmp/iocert-scale-out.txt
site="$(mktemp -d /tmp/iocert-scale-site.XXXXXX)"
trap 'rm -rf "$site"' EXIT
time_it "publish (all of it)" java -jar "$jar" publish --store "$store" --out "$site/site"
cat /tmp/iocert-scale-err.txt
echo "site: $(du -sh "$site/site" | cut -f1), $(find "$site/site" -type f | wc -l) files"
