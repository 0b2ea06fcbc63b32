#!/usr/bin/env bash
# A real standalone Spark cluster on 127.0.0.1 (one Master, N Workers), started from the project's own jars: no
# separate Spark download. Used by the multi-executor tests and by users who want to try a cluster on one machine.
#
#   deploy/local-cluster.sh start [--workers N] [--cores C] [--memory 2g] [--port 7077] [--ui-port 8080] [--fake-gpus G]
#   deploy/local-cluster.sh status
#   deploy/local-cluster.sh stop
#
# --fake-gpus G: each worker offers G pretend GPUs to Spark's scheduler, with addresses distinct across workers
# (worker i: (i-1)*G .. i*G-1), to try GPU scheduling and pinning without GPUs (ND4J's CPU backend ignores them).
# State (pids, logs, the generated SPARK_HOME) lives in $CRYOSPHERE_CLUSTER_DIR (default: target/local-cluster).
# `start` prints the master URL (spark://127.0.0.1:PORT) on its last line once every worker has registered.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${CRYOSPHERE_CLUSTER_DIR:-$root/target/local-cluster}"
lib="$root/cli/target/lib"
app="$root/cli/target/cryosphere-cli.jar"

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

workers=2 cores=1 memory=2g port=7077 ui_port=8080 fake_gpus=0
cmd="${1:-}"; [[ $# -gt 0 ]] && shift
while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --cores) cores="$2"; shift 2 ;;
    --memory) memory="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --ui-port) ui_port="$2"; shift 2 ;;
    --fake-gpus) fake_gpus="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "local-cluster.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

# shellcheck source=deploy/spark-home.sh
. "$root/deploy/spark-home.sh"

# A fresh SPARK_HOME of the project's jars for this cluster (see spark-home.sh).
make_spark_home() {
  local home="$state/sparkhome"
  rm -rf "$home"
  fill_spark_home "$home" "$app" "$lib"
  echo "$home"
}

java_cmd() {
  local home="$1"; shift
  local -a opts
  mapfile -t opts < <(grep -v '^\s*$' "$root/bin/jvm17.opts")
  exec java "${opts[@]}" -Xmx512m -cp "$home/conf:$home/jars/*" "$@"
}

alive_workers() {
  # the Master's JSON status page; /dev/tcp keeps this free of curl
  local json
  json=$( (exec 3<>"/dev/tcp/127.0.0.1/$ui_port" && printf 'GET /json/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && cat <&3) 2>/dev/null || true)
  grep -o '"aliveworkers" *: *[0-9]*' <<<"$json" | grep -o '[0-9]*$' || echo 0
}

# The Worker options that make worker $1 offer $fake_gpus pretend GPUs: a discovery script printing Spark's JSON with
# addresses (i-1)*G .. i*G-1, so that every executor of the cluster is assigned different addresses.
fake_gpu_opts() {
  local i="$1" script="$state/fake-gpus-worker$1.sh" a json=""
  for a in $(seq $(( (i - 1) * fake_gpus )) $(( i * fake_gpus - 1 ))); do json="${json:+$json, }\"$a\""; done
  printf '#!/usr/bin/env bash\n# pretend GPUs of local-cluster worker %s (no device behind them)\necho '"'"'{"name": "gpu", "addresses": [%s]}'"'"'\n' \
    "$i" "$json" > "$script"
  chmod +x "$script"
  echo "-Dspark.worker.resource.gpu.amount=$fake_gpus"
  echo "-Dspark.worker.resource.gpu.discoveryScript=$script"
}

is_running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  [[ -f "$app" && -d "$lib" ]] || { echo "local-cluster.sh: building the jars first" >&2; (cd "$root" && mvn -B -q -DskipTests package); }
  mkdir -p "$state/logs"
  if is_running "$state/master.pid"; then echo "local-cluster.sh: already running (stop it first)" >&2; exit 1; fi
  local home; home="$(make_spark_home)"
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
  java_cmd "$home" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$ui_port" \
    >"$state/logs/master.log" 2>&1 &
  echo $! > "$state/master.pid"
  # Spark moves on to the next port when the one asked for is taken (spark.port.maxRetries), e.g. when another
  # process grabbed it meanwhile: connect the workers to the ports the Master reports it bound
  local bound="" bound_ui=""
  for _ in $(seq 1 120); do
    bound=$(grep -o 'Starting Spark master at spark://[0-9.]*:[0-9]*' "$state/logs/master.log" | head -n 1 | sed 's/.*://' || true)
    bound_ui=$(grep -o 'MasterWebUI.*started at http://[^ ]*' "$state/logs/master.log" | head -n 1 | sed 's/.*://' || true)
    [[ -n "$bound" && -n "$bound_ui" ]] && break
    is_running "$state/master.pid" || break
    sleep 0.5
  done
  if [[ -z "$bound" || -z "$bound_ui" ]]; then
    echo "local-cluster.sh: the master did not start; see $state/logs" >&2
    tail -n 20 "$state/logs/master.log" >&2 || true
    stop
    exit 1
  fi
  [[ "$bound" == "$port" ]] || echo "local-cluster.sh: port $port was taken, the master uses $bound" >&2
  port="$bound" ui_port="$bound_ui"
  echo "$port $ui_port $workers" > "$state/ports"
  for i in $(seq 1 "$workers"); do
    mkdir -p "$state/work$i"
    local -a gpu_opts=()
    [[ "$fake_gpus" -gt 0 ]] && mapfile -t gpu_opts < <(fake_gpu_opts "$i")
    java_cmd "$home" "${gpu_opts[@]}" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores "$cores" --memory "$memory" \
      --webui-port 0 --work-dir "$state/work$i" "spark://127.0.0.1:$port" >"$state/logs/worker$i.log" 2>&1 &
    echo $! > "$state/worker$i.pid"
  done
  for _ in $(seq 1 120); do
    if [[ "$(alive_workers)" -ge "$workers" ]]; then
      echo "local-cluster: master and $workers worker(s) up (UI http://127.0.0.1:$ui_port, logs $state/logs)"
      echo "spark://127.0.0.1:$port"
      return 0
    fi
    if ! is_running "$state/master.pid"; then break; fi
    sleep 0.5
  done
  echo "local-cluster.sh: the cluster did not come up; see $state/logs" >&2
  tail -n 20 "$state/logs/master.log" >&2 || true
  stop
  exit 1
}

stop() {
  local any=0
  for f in "$state"/worker*.pid "$state/master.pid"; do
    [[ -f "$f" ]] || continue
    if is_running "$f"; then kill "$(cat "$f")" 2>/dev/null || true; any=1; fi
    rm -f "$f"
  done
  # executors are children of the workers and end with them; wait until the JVMs are gone
  for _ in $(seq 1 20); do
    pgrep -f "$state/sparkhome" >/dev/null 2>&1 || break
    sleep 0.5
  done
  pkill -9 -f "$state/sparkhome" 2>/dev/null || true
  # executors killed above leave their Aeron directories (~600 MB of shared memory each) behind
  "$root/deploy/aeron-clean.sh" >/dev/null 2>&1 || true
  [[ $any == 1 ]] && echo "local-cluster: stopped" || echo "local-cluster: not running"
}

status() {
  if [[ -f "$state/ports" ]]; then read -r port ui_port workers < "$state/ports"; fi
  if is_running "$state/master.pid"; then
    echo "local-cluster: master spark://127.0.0.1:$port, $(alive_workers) alive worker(s), UI http://127.0.0.1:$ui_port"
  else
    echo "local-cluster: not running"
    return 3
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage >&2; exit 2 ;;
esac
