#!/usr/bin/env bash
# One standalone Spark daemon in the foreground, from the project's jars (no Spark download): what a container
# (docker/compose.yaml) or a systemd unit runs on each node. deploy/local-cluster.sh starts a whole cluster on one
# machine instead.
#
#   deploy/spark-node.sh master [--host H] [--port 7077] [--webui-port 8080]
#   deploy/spark-node.sh worker spark://MASTER:7077 [--cores N] [--memory 8g] [--host H] [--webui-port 8081] [--work-dir D]
#   deploy/spark-node.sh prepare        (only make the SPARK_HOME below and print its path: image builds)
#
# Options are Spark's own (org.apache.spark.deploy.master.Master / worker.Worker). Daemon JVM options go in
# SPARK_DAEMON_JAVA_OPTS, e.g. a GPU worker:
#   SPARK_DAEMON_JAVA_OPTS="-Dspark.worker.resource.gpu.amount=4 -Dspark.worker.resource.gpu.discoveryScript=$PWD/deploy/conf/getGpusResources.sh"
# and its heap in SPARK_DAEMON_MEMORY (default 1g). Workers build the executors' class path from $SPARK_HOME/jars:
# SPARK_HOME is used when set, else one is made (symlinks to cli/target/lib) in $CRYOSPHERE_SPARK_HOME
# (default cli/target/sparkhome).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$root/cli/target/lib"
app="$root/cli/target/cryosphere-cli.jar"

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

role="${1:-}"; [[ $# -gt 0 ]] && shift
case "$role" in
  master) main=org.apache.spark.deploy.master.Master ;;
  worker) main=org.apache.spark.deploy.worker.Worker ;;
  prepare) main="" ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

# shellcheck source=deploy/spark-home.sh
. "$root/deploy/spark-home.sh"

home="${SPARK_HOME:-}"
if [[ -z "$home" ]]; then
  home="${CRYOSPHERE_SPARK_HOME:-$root/cli/target/sparkhome}"
  if [[ ! -f "$home/.complete" ]]; then
    [[ -f "$app" && -d "$lib" ]] || { echo "spark-node.sh: no jars in cli/target: build them first (mvn -DskipTests package)" >&2; exit 2; }
    fill_spark_home "$home" "$app" "$lib"
    touch "$home/.complete"
  fi
fi
if [[ -z "$main" ]]; then echo "$home"; exit 0; fi
export SPARK_HOME="$home" SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"

mapfile -t opts < <(grep -v '^\s*$' "$root/bin/jvm17.opts")
read -r -a daemon_opts <<<"${SPARK_DAEMON_JAVA_OPTS:-}"
exec java "${opts[@]}" "-Xmx${SPARK_DAEMON_MEMORY:-1g}" "${daemon_opts[@]}" -cp "$home/conf:$home/jars/*" "$main" "$@"
