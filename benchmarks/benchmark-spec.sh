#!/usr/bin/env bash
# `cryosphere benchmark` on a spec: simulate → ingest → train → evaluate per entry, scored against the truth; prints
# benchmark.csv as a table. OUT keeps every entry's data, run and evaluation (OUT/benchmark.html links the reports).
# Usage: benchmarks/benchmark-spec.sh [SPEC] [OUT]     (defaults benchmarks/specs/small.yaml, bench-out)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
spec="${1:-$root/benchmarks/specs/small.yaml}"
out="${2:-bench-out}"
rc=0
"$root/bin/cryosphere" benchmark --spec "$spec" --out "$out" --overwrite || rc=$?
if [[ -f "$out/benchmark.csv" ]]; then
  echo
  if command -v column >/dev/null; then column -s, -t < "$out/benchmark.csv"; else cat "$out/benchmark.csv"; fi
  echo
  echo "report: $out/benchmark.html"
fi
exit "$rc"
