#!/usr/bin/env bash
# Example: distributed training with spark-submit (client mode). Adapt the master, the resources and the paths.
#
#   deploy/spark-submit-train.sh spark://host:7077 --data hdfs:///ds --structure base.pdb --out /shared/run --config run.yaml
#
# CPU cluster: one model replica per executor (spark: workers_per_node: 1); give each executor several cores for ND4J's
# own threads (OpenMP) rather than several task slots.
# GPU cluster: build with `mvn -Pcuda -DskipTests package` (nd4j-cuda-11.6: CUDA 11.6 + cuDNN 8 on the nodes), set
# spark: workers_per_node: <GPUs per executor> in run.yaml, and ask Spark for the GPUs (GPU=1 below), e.g.
#   GPU=1 deploy/spark-submit-train.sh spark://host:7077 ...
# which adds spark.executor.resource.gpu.amount / spark.task.resource.gpu.amount and a discovery script
# (Spark ships examples/src/main/scripts/getGpusResources.sh; workers need spark.worker.resource.gpu.* too).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
master="$1"; shift
lib="$root/cli/target/lib"
app="$root/cli/target/cryosphere-cli.jar"
jars=""
for j in "$lib"/*.jar; do jars="${jars:+$jars,}$j"; done
aeron="-Daeron.publication.unblock.timeout=60000000000"
gpu_conf=()
if [[ "${GPU:-0}" != "0" ]]; then
  gpu_conf=(--conf spark.executor.resource.gpu.amount="${GPU}"
            --conf spark.task.resource.gpu.amount="${GPU}"
            --conf spark.executor.resource.gpu.discoveryScript="${GPU_DISCOVERY:-/opt/spark/examples/src/main/scripts/getGpusResources.sh}")
fi
exec spark-submit --master "$master" --deploy-mode client \
  --class dev.cryosphere.cli.TrainMain \
  --jars "$jars" \
  --driver-java-options "$aeron" \
  --conf spark.executor.extraJavaOptions="$aeron" \
  --conf spark.executor.cores="${EXECUTOR_CORES:-4}" \
  --conf spark.task.cpus="${EXECUTOR_CORES:-4}" \
  --conf spark.executor.memory="${EXECUTOR_MEMORY:-8g}" \
  "${gpu_conf[@]}" \
  "$app" "$@"
