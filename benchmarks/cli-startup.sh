#!/usr/bin/env bash
# Wall time of short commands, JVM start included (issue 3, acceptance 7): render of the 20 RELION-oracle rows,
# fsc of two 64^3 maps, info of a STAR file and of a PDB. Needs ../shared/data beside the clone.
# Usage: benchmarks/cli-startup.sh [repeats]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${CRYOSPHERE_SHARED:-$root/../shared}/data/particles/relion_oracle_1ztu"
repeats="${1:-3}"
[[ -d "$data" ]] || { echo "benchmarks/cli-startup.sh: no oracle data at $data" >&2; exit 1; }
"$root/bin/cryosphere" --version >/dev/null   # builds the jars if needed, outside the timing
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
run() {
  local label="$1"; shift
  local best_ms=-1 t0 t1 ms
  for _ in $(seq "$repeats"); do
    t0=$(date +%s%N)
    "$root/bin/cryosphere" "$@" >/dev/null
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    if (( best_ms < 0 || ms < best_ms )); then best_ms=$ms; fi
  done
  printf '%-42s best of %d: %d.%03d s\n' "$label" "$repeats" $((best_ms / 1000)) $((best_ms % 1000))
}
run "render (20 rows, 64 px, CTF)" render --structure "$data/1ztu_boxcentred.pdb" --particles "$data/poses_ctf.star" --out "$tmp/r.mrcs" --overwrite
run "fsc (two 64^3 maps)" fsc "$data/1ztu_box64_2A.mrc" "$data/1ztu_box64_2A_lp8.mrc"
run "info (STAR, 1000 rows + stack check)" info "$data/sim1000.star"
run "info (PDB, 313 residues)" info "$data/1ztu_boxcentred.pdb"
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(java -version 2>&1 | head -1)"
