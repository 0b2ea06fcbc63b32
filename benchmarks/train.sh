#!/usr/bin/env bash
# Training throughput benchmark (issue "Trainer I", acceptance 5). Prints images/s, peak RSS and peak heap for
#   1. the reference configuration: chain A of the cryoSPHERE base structure (503 residues), K = 4, 64 px at 2 Å/px,
#      batch 128, latent 8, default networks, full clash loss;
#   2. the paper's default on the whole dimer (1,006 residues), K = 20, full clash loss.
# Synthetic batches (throughput does not depend on the image content), the same BatchBuilder and NaN-guarded
# ComputationGraph.fit as `cryosphere train`.
# Usage: benchmarks/train.sh [STRUCTURE] [extra bench-train options, e.g. --steps 20]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/../bin/cryosphere"
pdb="${1:-$here/../../shared/data/structures/cryosphere_base_structure_flex_centered.pdb}"
shift || true

echo "== reference configuration: chain A (503 residues), K = 4, 64 px, 2 Å/px, batch 128, latent 8, full clash"
"$cli" bench-train --structure "$pdb" --chain A -k 4 --box 64 --apix 2 --batch 128 --latent 8 --clash full "$@"

echo "== paper default: dimer (1,006 residues), K = 20, 64 px, 2 Å/px, batch 128, latent 8, full clash"
"$cli" bench-train --structure "$pdb" -k 20 --box 64 --apix 2 --batch 128 --latent 8 --clash full "$@"
