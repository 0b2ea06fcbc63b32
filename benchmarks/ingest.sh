#!/usr/bin/env bash
# Ingest benchmark (issue 4, acceptance 4). Prints images/s for
#   1. 20,000 simulated 64-px images on local[2];
#   2. 12,000 simulated 128-px images (750 MiB, more than the heap) with a 512 MiB driver heap on local[2].
# Usage: benchmarks/ingest.sh [WORK_DIR]   (default: a temporary folder; a given folder keeps the simulated sets for reuse)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$here/../bin/cryosphere"
work="${1:-}"
args=()
[[ -n "$work" ]] && args=(--work "$work")

echo "== 64 px, 20000 images, local[2]"
"$cli" bench-ingest -n 20000 --box 64 --master 'local[2]' "${args[@]}"

echo "== 128 px, 12000 images (750 MiB of images), driver -Xmx512m, local[2]"
CRYOSPHERE_JAVA_OPTS="-Xmx512m" "$cli" bench-ingest -n 12000 --box 128 --master 'local[2]' "${args[@]}"
