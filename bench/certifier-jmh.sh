#!/usr/bin/env bash
# JMH benchmark of the certifier's per-requirement evaluation and of reading a result
# document (certifier-simulations/src/test/java/io/iocert/certifier/bench/EvaluationBenchmark.java).
#
#   bench/certifier-jmh.sh [JMH ARGS...]      e.g. -p operations=10000
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cp="$(mktemp)"
trap 'rm -f "$cp"' EXIT
mvn -B -q -o -pl certifier-simulations -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$cp" >/dev/null
java -cp "certifier-simulations/target/test-classes:certifier/target/test-classes:certifier/target/classes:$(cat "$cp")" org.openjdk.jmh.Main \
    EvaluationBenchmark "$@"
