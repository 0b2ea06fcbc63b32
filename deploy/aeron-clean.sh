#!/usr/bin/env bash
# Removes the Aeron directories left in shared memory by JVMs that died without shutting down (kill -9, the OOM
# killer, a worker stopped hard). Gradient-sharing training starts an Aeron media driver in every JVM; its directory
# (/dev/shm/aeron-USER-UUID, ~600 MB of RAM) is deleted on a normal exit but outlives a killed JVM, and enough of them
# exhaust a node's memory.
#
#   deploy/aeron-clean.sh [--dir DIR] [--dry-run]
#
# A directory of the current user is stale when no process has its cnc.dat open (checked with fuser, package psmisc)
# and it is older than a minute (a driver that is starting has not opened it yet). Without fuser nothing is removed.
# DIR defaults to $AERON_SHM or /dev/shm. Prints one line per directory removed and a summary; exit 0.
set -euo pipefail

dir="${AERON_SHM:-/dev/shm}" dry=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "aeron-clean.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if ! command -v fuser >/dev/null; then
  echo "aeron-clean: fuser (psmisc) is not installed: cannot tell live Aeron directories from stale ones, nothing removed" >&2
  exit 0
fi

user="$(id -un)"
now="$(date +%s)"
removed=0 kept=0 freed=0
shopt -s nullglob
for d in "$dir"/aeron-"$user"-*; do
  [[ -d "$d" && -O "$d" ]] || continue
  if [[ -e "$d/cnc.dat" ]] && fuser -s "$d/cnc.dat" 2>/dev/null; then kept=$((kept + 1)); continue; fi
  if (( now - $(stat -c %Y "$d") < 60 )); then kept=$((kept + 1)); continue; fi
  size_kb="$(du -sk "$d" 2>/dev/null | cut -f1)"
  if [[ $dry == 1 ]]; then
    echo "aeron-clean: would remove $d (${size_kb} KiB)"
  else
    rm -rf -- "$d"
    echo "aeron-clean: removed $d (${size_kb} KiB)"
  fi
  removed=$((removed + 1)) freed=$((freed + size_kb))
done
echo "aeron-clean: $removed stale director$([[ $removed == 1 ]] && echo y || echo ies) ($((freed / 1024)) MiB), $kept kept (open, or younger than a minute), in $dir"
