#!/usr/bin/env bash
# Runs a benchmark class of the bench module with its full class path.
#   bench/run.sh ForwardBench bench/models/gpt2-bench 1,2 20
# MVN_ARGS is passed to both mvn calls (e.g. MVN_ARGS="-o -Dmaven.repo.local=DIR").
# The GPT-2-like bench model is generated (not committed) by:
#   /usr/bin/python3 fixtures/generate.py --only-bench     (needs python3-torch, python3-onnx)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
class="$1"; shift
mvn ${MVN_ARGS:-} -q -B -pl bench -am install -DskipTests >&2
cp=$(mvn ${MVN_ARGS:-} -q -B -pl bench dependency:build-classpath -Dmdep.outputFile=/dev/stdout)
exec java -Xss8m --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} -cp "bench/target/classes:$cp" "dev.ppc.bench.$class" "$@"
