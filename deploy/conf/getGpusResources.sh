#!/usr/bin/env bash
# GPU discovery script for Spark resource scheduling (spark.executor.resource.gpu.discoveryScript,
# spark.worker.resource.gpu.discoveryScript, spark.driver.resource.gpu.discoveryScript). Prints the GPUs this
# process may use as Spark's ResourceInformation JSON, e.g. {"name": "gpu", "addresses": ["0", "1"]}:
# the indices from nvidia-smi, restricted to CUDA_VISIBLE_DEVICES when that is set (YARN and Kubernetes set it
# for the container). Same contract as Spark's examples/src/main/scripts/getGpusResources.sh.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found: no NVIDIA driver on $(hostname)" >&2
  exit 1
fi
mapfile -t ids < <(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ')
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  IFS=',' read -r -a visible <<<"$CUDA_VISIBLE_DEVICES"
  ids=("${visible[@]}")
fi
json=""
for i in "${ids[@]}"; do
  [[ -n "$i" ]] && json="${json:+$json, }\"$i\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$json]}"
