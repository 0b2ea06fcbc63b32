#!/usr/bin/env bash
# Training throughput (Trainer II, acceptance 3): images/s of the same small training (simulated 1ztu, 32 px, tiny
# model, seed 0) in one JVM, on local[2] and on a 2-worker standalone cluster on this machine (deploy/local-cluster.sh).
# The steady-state figure is the last epoch's (the first includes executor start and JIT).
# Usage: benchmarks/train-spark.sh [N_IMAGES] [EPOCHS]     (defaults 600, 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="$root/bin/cryosphere"
n="${1:-600}" epochs="${2:-3}"
tmp="$(mktemp -d)"
export CRYOSPHERE_CLUSTER_DIR="$tmp/cluster"
trap '"$root/deploy/local-cluster.sh" stop >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
"$cli" simulate --structure "$root/../shared/data/structures/1ztu.pdb" --center -n "$n" --box 32 --apix 4.0 --seed 1 --out "$tmp/sim" >/dev/null 2>&1
"$cli" ingest --particles "$tmp/sim/particles.star" --out "$tmp/ds" --master 'local[2]' --shard-mb 1 >/dev/null 2>&1
cat > "$tmp/run.yaml" <<YAML
segments: 3
latent_dim: 3
encoder_hidden: [16, 8]
decoder_hidden: [8]
batch_size: 16
epochs: $epochs
lr_networks: 1.0e-3
lr_segmentation: 1.0e-3
spark: {batch_per_worker: 16}
YAML
sed 's/^spark: {/spark: {training_master: shared, /' "$tmp/run.yaml" > "$tmp/run-shared.yaml"
bench() { # LABEL CONFIG [train options]
  local label="$1" config="$2"; shift 2
  "$cli" train --data "$tmp/ds" --structure "$tmp/sim/base.pdb" --out "$tmp/run-$RANDOM" --config "$config" "$@" 2>"$tmp/log" >/dev/null
  local last; last=$(grep -E '^train: epoch [0-9]+/' "$tmp/log" | tail -1 | grep -oE '[0-9.]+ images/s')
  printf '%-34s last epoch: %s\n' "$label" "$last"
}
bench "single JVM" "$tmp/run.yaml"
bench "local[2], parameter averaging" "$tmp/run.yaml" --master 'local[2]'
bench "local[2], gradient sharing" "$tmp/run-shared.yaml" --master 'local[2]'
url=$("$root/deploy/local-cluster.sh" start --workers 2 | tail -1)
bench "2-worker cluster, parameter averaging" "$tmp/run.yaml" --master "$url"
bench "2-worker cluster, gradient sharing" "$tmp/run-shared.yaml" --master "$url"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
