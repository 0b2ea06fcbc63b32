#!/usr/bin/env bash
# Checks the two ND4J backend builds without building them: the default build's runtime dependency graph has the CPU
# backend (nd4j-native, linux-x86_64) and no CUDA backend, and the -Pcuda build's resolves and has the CUDA backend
# (nd4j-cuda-11.6 and its linux-x86_64 natives, org.bytedeco:cuda) and no CPU backend.
#
# Why the graph and not the jars: dependency:tree collects the graph from the poms alone (three small poms for the
# CUDA side), while `mvn -Pcuda package` or dependency:resolve would download nd4j-cuda-11.6's linux-x86_64 jar (about
# 600 MB) and org.bytedeco:cuda's natives on every clean CI machine, for a backend no CI machine can run (no GPU). The
# jars are on Maven Central under the same coordinates; docker/Dockerfile.cuda builds with them.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

graph() {   # graph NAME [maven options...]: the cli module's dependency tree (with its reactor modules) in $work/NAME
  local name="$1"; shift
  mvn -B -q "$@" -pl cli -am dependency:tree -Dscope=runtime -DoutputFile="$work/$name" -DappendOutput=true >/dev/null
}

fail() { echo "cuda-classpath: $*" >&2; exit 1; }

graph cpu
graph cuda -Pcuda

grep -q 'org.nd4j:nd4j-native:jar:linux-x86_64:' "$work/cpu" || fail "the default build lacks nd4j-native linux-x86_64"
! grep -q 'org.nd4j:nd4j-cuda' "$work/cpu" || fail "the default build has a CUDA backend: $(grep -m1 'org.nd4j:nd4j-cuda' "$work/cpu")"
for need in 'org.nd4j:nd4j-cuda-11.6:jar:1.0.0-M2.1' 'org.nd4j:nd4j-cuda-11.6:jar:linux-x86_64:1.0.0-M2.1' \
            'org.bytedeco:cuda:jar:linux-x86_64:'; do
  grep -q "$need" "$work/cuda" || fail "the -Pcuda build lacks $need"
done
! grep -q 'org.nd4j:nd4j-native:' "$work/cuda" || fail "the -Pcuda build still has the CPU backend: $(grep -m1 'org.nd4j:nd4j-native:' "$work/cuda")"
echo "cuda-classpath: default build CPU backend only; -Pcuda build resolves with nd4j-cuda-11.6 (+ linux-x86_64, org.bytedeco:cuda) and no nd4j-native"
