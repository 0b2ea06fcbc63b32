#!/usr/bin/env bash
# Nightly reprocessing: for each dataset of a spec file, ingest (--incremental) -> train (resume the run if there is
# one, else start it) -> evaluate -> report, each stage a Spark job through deploy/submit.sh.
#
#   deploy/nightly.sh SPEC [DATASET...]        (only the named datasets when some are given)
#
# Spec file (YAML; keys at the top level are defaults for every dataset, each dataset may set its own; relative paths
# are relative to the spec file; options are one string, split on spaces):
#
#   work: /data/nightly                 # required: outputs, status files and logs
#   master: spark://head:7077           # Spark master of every stage (default local[*]); "none": bin/cryosphere in
#                                       #   one JVM (training without Spark, ingest/evaluate on local[*])
#   properties: conf/standalone-cpu.conf    # submit.sh --properties-file (executor sizes, GPUs)
#   submit_options: --conf spark.executor.memory=16g      # more submit.sh options
#   on_change: restart                  # inputs changed: restart (new run; the last complete one kept as run.prev) or resume
#   datasets:
#     adk:
#       particles: /data/adk/particles.star   # required: RELION STAR or cryoSPARC .cs
#       root: /data/adk                 # stack root: ingest --root, and the tree whose *.mrc/*.mrcs are fingerprinted
#                                       #   (default: the metadata file's folder)
#       structure: /data/adk/base.pdb   # required: base structure
#       config: /data/adk/run.yaml      # training configuration (optional)
#       ingest_options: --box 64        # extra options of each job
#       train_options: --epochs 300
#       evaluate_options: --distance lid=A:122-159,A:1-29 --no-volumes
#
# Outputs, per dataset, under WORK/datasets/NAME/: data/ (the Parquet dataset), run/ (the training run), eval/,
# report.html, status.json, fingerprint.txt and stages/*.done. Each run logs to WORK/logs/RUN_ID/ (nightly.log and
# one NAME.STAGE.log per stage), kept.
#
# Fingerprints (fingerprint.txt lists what goes in): ingest's = SHA-256 of the metadata file's content, the path,
# size and mtime of every *.mrc/*.mrcs under the stack root, and ingest_options; train's adds the SHA-256 of the
# structure and config files and train_options; evaluate's (the dataset's) adds evaluate_options. A dataset whose
# stages are all done with its current fingerprints is skipped as unchanged. A stage whose done marker carries its
# current fingerprint is never redone, so a rerun after a crash or a kill picks up at the stage that did not finish
# (training with --resume from its newest checkpoint); new evaluate_options redo evaluate and report only.
#
# status.json: {"dataset", "state": "done"|"failed"|"skipped"|"running", "reason", "fingerprint", "run_id",
# "updated", "stages": {"ingest"|"train"|"evaluate"|"report": {"state": "done"|"kept"|"failed"|"pending", "run_id"}},
# "training_master", "log_dir", "report"}. "kept": done by an earlier run with the same fingerprint. training_master:
# the run's training master per stretch of epochs (metrics.csv), e.g. "gradient-sharing (epochs 1-3),
# parameter-averaging (epochs 4-10)" when an executor was lost in epoch 4.
#
# A lock (flock on WORK/.nightly.lock) keeps two runs from overlapping: a second run exits at once with code 3.
# Each run first removes this user's stale Aeron directories from /dev/shm (deploy/aeron-clean.sh).
# Exit code: 0 when every dataset is done or skipped, 1 when any failed, 2 for a bad spec, 3 when locked.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
submit="${CRYOSPHERE_SUBMIT:-$root/deploy/submit.sh}"
cli="${CRYOSPHERE_CLI:-$root/bin/cryosphere}"
stages=(ingest train evaluate report)

usage() { sed -n '2,/^[^#]/{/^#/p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "nightly.sh: $*" >&2; exit 2; }

[[ $# -ge 1 ]] || { usage >&2; exit 2; }
[[ "$1" == -h || "$1" == --help ]] && { usage; exit 0; }
spec="$1"; shift
[[ -f "$spec" ]] || die "no spec file $spec"
spec_dir="$(cd "$(dirname "$spec")" && pwd)"
only=("$@")

# ---- spec ------------------------------------------------------------------------------------------------------
# Read and checked in Java (Jackson YAML, as every settings file; dev.cryosphere.cli.NightlySpec), which prints one
# tab-separated line per value: "G KEY VALUE" (top level), "N NAME" (a dataset, in spec order), "D NAME KEY VALUE".
# Classpath: the built application (bin/cryosphere builds it on first use), or CRYOSPHERE_CLASSPATH (tests).
read_spec() {
  local cp="${CRYOSPHERE_CLASSPATH:-}"
  if [[ -z "$cp" ]]; then
    [[ -f "$root/cli/target/cryosphere-cli.jar" ]] || "$cli" --version >/dev/null || die "could not build the application (bin/cryosphere)"
    cp="$root/cli/target/cryosphere-cli.jar:$root/cli/target/lib/*"
  fi
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$cp" dev.cryosphere.cli.NightlySpec "$1"
}
declare -A global=() ds=()
names=()
parsed="$(read_spec "$spec")" || exit 2
while IFS=$'\t' read -r kind a b c; do
  case "$kind" in
    G) global[$a]="$b" ;;
    N) names+=("$a") ;;
    D) ds[$a.$b]="$c" ;;
    "") ;;
    *) die "unexpected line from the spec reader: $kind" ;;
  esac
done <<<"$parsed"
[[ ${#names[@]} -gt 0 ]] || die "$spec: no datasets"
[[ -n "${global[work]:-}" ]] || die "$spec: 'work: DIR' is required (at the top level)"

# a dataset's value of a key: its own, else the global one, else $3
get() { local v="${ds[$1.$2]:-}"; [[ -n "$v" ]] || v="${global[$2]:-}"; echo "${v:-${3:-}}"; }
abspath() { if [[ -z "$1" || "$1" == /* || "$1" == *://* ]]; then echo "$1"; else echo "$spec_dir/$1"; fi; }

work="$(abspath "${global[work]}")"
mkdir -p "$work/datasets" "$work/logs"

# ---- lock: one run at a time (the lock is held by this process and its children) --------------------------------
exec 9>"$work/.nightly.lock"
if ! flock -n 9; then
  echo "nightly.sh: another nightly run holds $work/.nightly.lock; not starting" >&2
  exit 3
fi

run_id="$(date -u +%Y%m%d-%H%M%S)-$$"
logdir="$work/logs/$run_id"
mkdir -p "$logdir"
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$logdir/nightly.log" >&2; }
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# Shared memory held by JVMs killed in earlier runs (one Aeron directory, ~600 MB, each): free it before training.
while IFS= read -r line; do log "$line"; done < <("$root/deploy/aeron-clean.sh" 2>&1 || true)

json_str() {
  if [[ -z "${1+x}" || "$1" == "" ]]; then printf 'null'; return 0; fi
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"; s="${s//$'\t'/ }"; s="${s//$'\r'/ }"; s="${s//$'\n'/ }"
  printf '"%s"' "$s"
}

# ---- one dataset -----------------------------------------------------------------------------------------------
fingerprint() { # NAME -> fingerprint.txt content on stdout
  local name="$1" particles stack_root structure config
  particles="$(abspath "$(get "$name" particles)")"
  stack_root="$(abspath "$(get "$name" root)")"
  [[ -n "$stack_root" ]] || stack_root="$(dirname "$particles")"
  structure="$(abspath "$(get "$name" structure)")"
  config="$(abspath "$(get "$name" config)")"
  # I: inputs of ingest, T: more inputs of train, E: more inputs of evaluate (and report)
  echo "I particles $particles $(sha256sum < "$particles" | cut -d' ' -f1)"
  echo "I ingest_options $(get "$name" ingest_options)"
  echo "I stack_root $stack_root"
  find "$stack_root" -type f \( -name '*.mrcs' -o -name '*.mrc' \) -printf 'I stack %P %s %T@\n' | LC_ALL=C sort
  echo "T structure $structure $(sha256sum < "$structure" | cut -d' ' -f1)"
  if [[ -n "$config" ]]; then echo "T config $config $(sha256sum < "$config" | cut -d' ' -f1)"; fi
  echo "T train_options $(get "$name" train_options)"
  echo "E evaluate_options $(get "$name" evaluate_options)"
}

# the fingerprint of each stage: of the inputs it and the stages before it read
declare -A stage_fp=()
stage_fingerprints() { # FINGERPRINT_FILE
  stage_fp[ingest]="$(grep '^I ' "$1" | sha256sum | cut -d' ' -f1)"
  stage_fp[train]="$(grep '^[IT] ' "$1" | sha256sum | cut -d' ' -f1)"
  stage_fp[evaluate]="$(sha256sum < "$1" | cut -d' ' -f1)"
  stage_fp[report]="${stage_fp[evaluate]}"
  fp="${stage_fp[evaluate]}"
}

# run a job: through submit.sh on a Spark master, or the launcher when master is "none"
job() { # NAME STAGE JOB args...
  local name="$1" stage="$2" jb="$3"; shift 3
  local master props opts
  master="$(get "$name" master "local[*]")"
  props="$(abspath "$(get "$name" properties)")"
  read -r -a opts <<<"$(get "$name" submit_options)"
  if [[ "$master" == none ]]; then
    if [[ "$jb" == train ]]; then run_logged "$name" "$stage" "$cli" train "$@"
    else run_logged "$name" "$stage" "$cli" "$jb" "$@" --master "local[*]"; fi
  else
    local -a sub=("$submit" --master "$master")
    [[ -z "$props" ]] || sub+=(--properties-file "$props")
    run_logged "$name" "$stage" "${sub[@]}" "${opts[@]}" "$jb" "$@"
  fi
}

child=""
on_signal() {
  log "interrupted by a signal"
  if [[ -n "$child" ]]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi
  if [[ -n "${current:-}" ]]; then write_status "$current" failed "interrupted by a signal during ${current_stage:-?}"; fi
  exit 143
}
trap on_signal TERM INT

run_logged() { # NAME STAGE cmd...
  local name="$1" stage="$2"; shift 2
  local out="$logdir/$name.$stage.log"
  log "$name: $stage: $(printf '%q ' "$@")"
  "$@" >"$out" 2>&1 </dev/null &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

# The training master of each stretch of epochs, from the run's metrics.csv (training_master column): e.g.
# "gradient-sharing (epochs 1-3), parameter-averaging (epochs 4-10)" after an executor loss; empty without a run.
training_masters() { # METRICS_CSV
  [[ -f "$1" ]] || return 0
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "training_master") c = i; if ($i == "epoch") e = i }; next }
    function flush() { if (cur != "") out = out (out != "" ? ", " : "") cur (a == b ? " (epoch " a ")" : " (epochs " a "-" b ")") }
    c && e { if ($c != cur) { flush(); cur = $c; a = $e } b = $e }
    END { flush(); print out }' "$1"
}

declare -A stage_state=() stage_run=()
write_status() { # NAME STATE REASON
  local name="$1" state="$2" reason="${3:-}" dir="$work/datasets/$1" s body=""
  for s in "${stages[@]}"; do
    body="$body${body:+, }\"$s\": {\"state\": $(json_str "${stage_state[$name.$s]:-pending}"), \"run_id\": $(json_str "${stage_run[$name.$s]:-}")}"
  done
  local report=""
  [[ -f "$dir/report.html" ]] && report="$dir/report.html"
  cat > "$dir/.status.json.tmp" <<JSON
{
  "dataset": $(json_str "$name"),
  "state": $(json_str "$state"),
  "reason": $(json_str "$reason"),
  "fingerprint": $(json_str "${fp:-}"),
  "run_id": $(json_str "$run_id"),
  "updated": $(json_str "$(now)"),
  "stages": {$body},
  "training_master": $(json_str "$(training_masters "$dir/run/metrics.csv")"),
  "log_dir": $(json_str "$logdir"),
  "report": $(json_str "$report")
}
JSON
  mv "$dir/.status.json.tmp" "$dir/status.json"
}

marker_done() { # NAME STAGE -> 0 when its marker carries the current fingerprint
  local m="$work/datasets/$1/stages/$2.done" f r
  [[ -f "$m" ]] || return 1
  read -r f r _ < "$m"
  [[ "$f" == "${stage_fp[$2]}" ]] || return 1
  stage_run[$1.$2]="$r"
}

failure_reason() { # LOGFILE -> its error line, else its last line
  local l
  l="$(grep -E '^(error|Exception|java\.)' "$1" | tail -n 1 || true)"
  [[ -n "$l" ]] || l="$(grep -v '^\s*$' "$1" | tail -n 1 || true)"
  echo "${l:0:300}"
}

process() { # NAME -> 0 done or skipped, 1 failed
  local name="$1" dir="$work/datasets/$1"
  current="$name"
  mkdir -p "$dir/stages"
  local particles structure config stack_root
  particles="$(abspath "$(get "$name" particles)")"
  structure="$(abspath "$(get "$name" structure)")"
  config="$(abspath "$(get "$name" config)")"
  stack_root="$(abspath "$(get "$name" root)")"
  fp=""
  local missing=""
  [[ -n "$particles" && -f "$particles" ]] || missing="particles file '${particles}'"
  [[ -n "$missing" || ( -n "$structure" && -f "$structure" ) ]] || missing="structure file '${structure}'"
  [[ -n "$missing" || -z "$config" || -f "$config" ]] || missing="config file '$config'"
  [[ -n "$missing" || -z "$stack_root" || -d "$stack_root" ]] || missing="stack root '$stack_root'"
  for s in "${stages[@]}"; do stage_state[$name.$s]=pending; stage_run[$name.$s]=""; done
  if [[ -n "$missing" ]]; then
    log "$name: FAILED: missing $missing"
    write_status "$name" failed "missing $missing"
    return 1
  fi

  fingerprint "$name" > "$dir/.fingerprint.txt.tmp"
  stage_fingerprints "$dir/.fingerprint.txt.tmp"
  local all=1
  for s in "${stages[@]}"; do
    if marker_done "$name" "$s"; then stage_state[$name.$s]=kept; else all=0; fi
  done
  if [[ $all == 1 ]]; then
    rm -f "$dir/.fingerprint.txt.tmp"
    log "$name: skipped: unchanged (fingerprint ${fp:0:12})"
    write_status "$name" skipped "unchanged since run ${stage_run[$name.report]}"
    return 0
  fi
  mv "$dir/.fingerprint.txt.tmp" "$dir/fingerprint.txt"
  write_status "$name" running ""

  # a run trained on other inputs: restart it (kept as run.prev) unless on_change = resume
  if [[ -d "$dir/run" && "$(cat "$dir/run.fingerprint" 2>/dev/null || true)" != "${stage_fp[train]}" ]]; then
    if [[ "$(get "$name" on_change restart)" == resume ]]; then
      log "$name: inputs changed; resuming the existing run (on_change = resume)"
    elif [[ -f "$dir/stages/train.done" && "$(cut -d ' ' -f 1 "$dir/stages/train.done")" == "$(cat "$dir/run.fingerprint" 2>/dev/null || true)" ]]; then
      log "$name: inputs changed; starting a new run (previous one moved to run.prev)"
      rm -rf "$dir/run.prev"
      mv "$dir/run" "$dir/run.prev"
    else
      # an unfinished run (a restart that failed on an earlier night): run.prev keeps the last complete run
      log "$name: inputs changed; starting a new run (the unfinished run of earlier inputs is removed; run.prev, the last complete run, is kept)"
      rm -rf "$dir/run"
    fi
  fi

  local s rc
  local -a args opts
  for s in "${stages[@]}"; do
    current_stage="$s"
    if marker_done "$name" "$s"; then
      log "$name: $s: already done by run ${stage_run[$name.$s]} (same inputs), not redone"
      continue
    fi
    rc=0
    case "$s" in
      ingest)
        read -r -a opts <<<"$(get "$name" ingest_options)"
        args=(--particles "$particles" --out "$dir/data" --incremental)
        [[ -z "$stack_root" ]] || args+=(--root "$stack_root")
        job "$name" ingest ingest "${args[@]}" "${opts[@]}" || rc=$?
        ;;
      train)
        read -r -a opts <<<"$(get "$name" train_options)"
        args=(--data "$dir/data" --out "$dir/run")
        [[ -z "$config" ]] || args+=(--config "$config")
        if [[ -f "$dir/run/config.json" ]]; then
          log "$name: train: a run exists, resuming it"
          args+=(--resume)
        else
          args+=(--structure "$structure" --overwrite)
        fi
        echo "${stage_fp[train]}" > "$dir/run.fingerprint"
        job "$name" train train "${args[@]}" "${opts[@]}" || rc=$?
        ;;
      evaluate)
        read -r -a opts <<<"$(get "$name" evaluate_options)"
        job "$name" evaluate evaluate --run "$dir/run" --data "$dir/data" --out "$dir/eval" --overwrite "${opts[@]}" || rc=$?
        ;;
      report)
        if [[ -f "$dir/eval/report.html" ]]; then
          cp "$dir/eval/report.html" "$dir/.report.html.tmp" && mv "$dir/.report.html.tmp" "$dir/report.html"
        else
          echo "error: $dir/eval/report.html: missing" > "$logdir/$name.report.log"; rc=1
        fi
        ;;
    esac
    if [[ $rc != 0 ]]; then
      local reason
      reason="$s failed (exit $rc): $(failure_reason "$logdir/$name.$s.log")"
      stage_state[$name.$s]=failed
      log "$name: FAILED: $reason (log $logdir/$name.$s.log)"
      write_status "$name" failed "$reason"
      return 1
    fi
    echo "${stage_fp[$s]} $run_id $(now)" > "$dir/stages/.$s.done.tmp"
    mv "$dir/stages/.$s.done.tmp" "$dir/stages/$s.done"
    stage_state[$name.$s]="done"
    stage_run[$name.$s]="$run_id"
    log "$name: $s: done"
    write_status "$name" running ""
  done
  write_status "$name" "done" ""
  log "$name: done -> $dir/report.html"
  return 0
}

# ---- all datasets ----------------------------------------------------------------------------------------------
log "nightly run $run_id: spec $spec, ${#names[@]} dataset(s), logs $logdir"
failed=0 done_n=0 skipped=0
for name in "${names[@]}"; do
  if [[ ${#only[@]} -gt 0 ]]; then
    keep=0
    for o in "${only[@]}"; do [[ "$o" != "$name" ]] || keep=1; done
    [[ $keep == 1 ]] || continue
  fi
  if process "$name"; then
    if [[ "$(grep -o '"state": "[a-z]*"' "$work/datasets/$name/status.json" | head -n 1)" == *skipped* ]]; then
      skipped=$((skipped + 1))
    else
      done_n=$((done_n + 1))
    fi
  else
    failed=$((failed + 1))
  fi
  current=""
done

# an index of the datasets' states and reports
{
  echo '<!doctype html><meta charset="utf-8"><title>cryosphere nightly</title><h1>cryosphere nightly</h1>'
  echo "<p>last run $run_id</p><table border=1 cellpadding=4><tr><th>dataset<th>state<th>reason<th>updated<th>report"
  for name in "${names[@]}"; do
    f="$work/datasets/$name/status.json"
    [[ -f "$f" ]] || continue
    st="$(grep -o '"state": "[a-z]*"' "$f" | head -n 1 | cut -d'"' -f4)"
    reason="$(sed -n 's/^  "reason": "\(.*\)",$/\1/p' "$f" | sed 's/&/\&amp;/g; s/</\&lt;/g')"
    upd="$(sed -n 's/^  "updated": "\(.*\)",$/\1/p' "$f")"
    link=""
    [[ -f "$work/datasets/$name/report.html" ]] && link="<a href=\"datasets/$name/report.html\">report</a>"
    echo "<tr><td>$name<td>$st<td>$reason<td>$upd<td>$link"
  done
  echo "</table>"
} > "$work/.index.html.tmp"
mv "$work/.index.html.tmp" "$work/index.html"

log "nightly run $run_id: $done_n done, $skipped skipped (unchanged), $failed failed"
[[ $failed == 0 ]] || exit 1
