#!/usr/bin/env bash
# Independent validation sets (full-atom gemmi maps projected by RELION 3.1, not our forward model): installs the
# Debian packages if missing, then builds the three sets with make_sets.py's defaults (2,000 particles, 64 px, SNR 0.1,
# seed 0) under OUT (default: external-sets in the current folder). SETS="..." picks the sets (default: hinge
# two-hinges two-states); igg-1d, CryoBench's IgG-1D recipe (10,000 particles, SNR 0.01), is made only when named.
#
#   benchmarks/external/make-sets.sh [OUT] [-- extra make_sets.py options, e.g. --count 500 --seed 1]
#   SETS=igg-1d benchmarks/external/make-sets.sh benchmarks/external/sets
#   benchmarks/external/make-sets.sh --ci      # regenerates the committed CI set benchmarks/external/cache/hinge-ci
#
# Environment: STRUCTURES=DIR (input structures; default ../shared/data/structures beside the clone), SETS (above).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py=/usr/bin/python3          # Debian's python3: python3-gemmi and python3-numpy are installed for it

need=()
[[ -x "$py" ]] || need+=(python3)
"$py" -c 'import gemmi' 2>/dev/null || need+=(python3-gemmi)
"$py" -c 'import numpy' 2>/dev/null || need+=(python3-numpy)
command -v relion_project >/dev/null 2>&1 || need+=(relion)
if ((${#need[@]})); then
  echo "make-sets: installing ${need[*]} (Debian packages)"
  sudo_cmd=()
  ((EUID == 0)) || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}"
fi

structures=()
[[ -n "${STRUCTURES:-}" ]] && structures=(--structures "$STRUCTURES")

if [[ "${1:-}" == --ci ]]; then
  # the cached CI set: 768 particles at 32 px (pixel size from the structure: 4.6 Å), 20 conformations, SNR 10
  # run from the repository root so that provenance.json records relative paths
  [[ -n "${STRUCTURES:-}" ]] && structures=(--structures "$(cd "$STRUCTURES" && pwd)")
  cd "$here/../.."
  "$py" benchmarks/external/make_sets.py --set hinge --count 768 --box 32 --bins 20 --snr 10 --seed 0 \
    --out benchmarks/external/cache/hinge-ci --overwrite "${structures[@]}"
  exit 0
fi

out="external-sets"
if [[ $# -gt 0 && "$1" != -- ]]; then out="$1"; shift; fi
[[ "${1:-}" == -- ]] && shift
mkdir -p "$out"
for set in ${SETS:-hinge two-hinges two-states}; do
  start=$SECONDS
  "$py" "$here/make_sets.py" --set "$set" --out "$out/$set" "${structures[@]}" "$@"
  echo "make-sets: $set in $((SECONDS - start)) s"
done
