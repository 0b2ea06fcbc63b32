#!/usr/bin/env bash
# Example: distributed training under spark-submit (client mode); now a shorthand for deploy/submit.sh, which has the
# classpath, JVM flags, memory and GPU settings (see docs/cluster.md).
#
#   deploy/spark-submit-train.sh spark://host:7077 --data hdfs:///ds --structure base.pdb --out /shared/run --config run.yaml
#
# CPU cluster: one model replica per executor (spark: workers_per_node: 1); give each executor several cores for ND4J's
# own threads (OpenMP) rather than several task slots (EXECUTOR_CORES, default 4; EXECUTOR_MEMORY, default 4g heap,
# plus submit.sh's off-heap overhead).
# GPU cluster: build with `mvn -Pcuda -DskipTests package` (nd4j-cuda-11.6: CUDA 11.6 + cuDNN 8 on the nodes), set
# spark: workers_per_node: <GPUs per executor> in run.yaml, and ask Spark for the GPUs, e.g.
#   GPU=1 deploy/spark-submit-train.sh spark://host:7077 ...
# which adds spark.executor.resource.gpu.amount / spark.task.resource.gpu.amount and the discovery script
# deploy/conf/getGpusResources.sh (GPU_DISCOVERY overrides it; standalone workers need spark.worker.resource.gpu.* too).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
master="$1"; shift
opts=(--master "$master"
      --conf spark.executor.cores="${EXECUTOR_CORES:-4}"
      --conf spark.task.cpus="${EXECUTOR_CORES:-4}"
      --conf spark.executor.memory="${EXECUTOR_MEMORY:-4g}")
if [[ "${GPU:-0}" != "0" ]]; then
  opts+=(--gpu "$GPU")
  [[ -z "${GPU_DISCOVERY:-}" ]] || opts+=(--conf spark.executor.resource.gpu.discoveryScript="$GPU_DISCOVERY")
fi
exec "$root/deploy/submit.sh" "${opts[@]}" train "$@"
