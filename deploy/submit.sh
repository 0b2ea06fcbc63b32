#!/usr/bin/env bash
# Runs one cryosphere job under spark-submit (client mode by default) with the classpath, JVM flags, serializer and
# memory defaults the jobs need.
#
#   deploy/submit.sh [--master URL] [--properties-file FILE] [--conf KEY=VALUE]... [--deploy-mode client|cluster]
#                    [--gpu N] [--dry-run] JOB [job options]
#   JOB: ingest | train | evaluate        (job options: those of `cryosphere JOB --help`)
#
#   deploy/submit.sh --master spark://head:7077 --properties-file deploy/conf/standalone-gpu.conf \
#       train --data /shared/ds --structure base.pdb --out /shared/run --config run.yaml
#
# Which spark-submit: $SPARK_HOME/bin/spark-submit when $SPARK_HOME is set (then the jars Spark does not ship, DL4J,
# ND4J, BioJava, Parquet..., go with --jars); else the project's own Spark jars (cli/target/lib) through
# `java -cp ... org.apache.spark.deploy.SparkSubmit`, which is what spark-submit runs: enough for local[N] and for a
# standalone cluster whose workers have the same jars (deploy/local-cluster.sh, the Docker image). YARN and Kubernetes
# need a Spark distribution (the spark-yarn / spark-kubernetes modules are not among the project's jars).
#
# Settings, lowest precedence first: the defaults below, $SPARK_HOME/conf/spark-defaults.conf (only when no
# --properties-file is given), --properties-file, --conf, --master (or $SPARK_MASTER). The master falls back to
# local[*]. Every executor and the driver get -Daeron.publication.unblock.timeout and -Daeron.dir.delete.on.shutdown (gradient sharing) and ND4J's
# off-heap limits, org.bytedeco.javacpp.maxbytes = spark.executor.memoryOverhead and maxphysicalbytes = 95 % of
# memory + overhead, unless the extraJavaOptions already set them. --gpu N adds the GPU resource requests (see
# deploy/conf/*-gpu.conf). --dry-run prints the command instead of running it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$root/cli/target/lib"
app="$root/cli/target/cryosphere-cli.jar"
aeron="-Daeron.publication.unblock.timeout=60000000000 -Daeron.dir.delete.on.shutdown=true"

usage() { sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "submit.sh: $*" >&2; exit 2; }

declare -A conf=()
declare -A user=()      # keys set by the user (files or --conf), so the defaults below leave them alone
master="${SPARK_MASTER:-}" props="" deploy_mode="client" gpu="" dry_run=0

# "key value" or "key=value" lines, # comments (spark-defaults.conf syntax)
read_props() {
  local line key value
  while IFS= read -r line || [[ -n "$line" ]]; do
    line="${line#"${line%%[![:space:]]*}"}"
    [[ -z "$line" || "$line" == \#* ]] && continue
    if [[ "$line" =~ ^([^[:space:]=]+)[[:space:]]*[=[:space:]][[:space:]]*(.*)$ ]]; then
      key="${BASH_REMATCH[1]}" value="${BASH_REMATCH[2]}"
      value="${value%"${value##*[![:space:]]}"}"
      conf[$key]="$value"; user[$key]=1
    fi
  done < "$1"
}

set_conf() { conf[$1]="$2"; user[$1]=1; }
default() { [[ -n "${user[$1]:-}" ]] || conf[$1]="$2"; }

# Spark memory strings (512m, 8g, 1t; no unit = MiB) -> MiB
mib() {
  local v="${1,,}"
  case "$v" in
    *k|*kb) echo $(( ${v%%k*} / 1024 )) ;;
    *m|*mb) echo "${v%%m*}" ;;
    *g|*gb) echo $(( ${v%%g*} * 1024 )) ;;
    *t|*tb) echo $(( ${v%%t*} * 1024 * 1024 )) ;;
    *) echo "$v" ;;
  esac
}

# options before JOB
cli_conf=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) [[ $# -ge 2 ]] || die "--master needs a value"; master="$2"; shift 2 ;;
    --properties-file) [[ $# -ge 2 ]] || die "--properties-file needs a value"; props="$2"; shift 2 ;;
    --conf) [[ $# -ge 2 && "$2" == *=* ]] || die "--conf needs KEY=VALUE"; cli_conf+=("$2"); shift 2 ;;
    --deploy-mode) [[ $# -ge 2 ]] || die "--deploy-mode needs a value"; deploy_mode="$2"; shift 2 ;;
    --gpu) [[ $# -ge 2 ]] || die "--gpu needs a number"; gpu="$2"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (spark settings go in --conf KEY=VALUE or a --properties-file)" ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || { usage >&2; exit 2; }
job="$1"; shift
case "$job" in
  ingest|evaluate) main_class="dev.cryosphere.cli.CryosphereCommand"; app_args=("$job" "$@") ;;
  train) main_class="dev.cryosphere.cli.TrainMain"; app_args=("$@") ;;
  *) die "unknown JOB '$job' (ingest, train or evaluate)" ;;
esac
[[ -f "$app" && -d "$lib" ]] || die "no jars in cli/target: build them first (mvn -DskipTests package, or run bin/cryosphere once)"

# settings, lowest precedence first
if [[ -z "$props" && -n "${SPARK_HOME:-}" && -f "$SPARK_HOME/conf/spark-defaults.conf" ]]; then
  read_props "$SPARK_HOME/conf/spark-defaults.conf"
fi
if [[ -n "$props" ]]; then
  [[ -f "$props" ]] || die "no properties file $props"
  read_props "$props"
fi
for kv in "${cli_conf[@]}"; do set_conf "${kv%%=*}" "${kv#*=}"; done
if [[ -n "$master" ]]; then set_conf spark.master "$master"; fi
default spark.master "local[*]"
if [[ -n "$gpu" && "$gpu" != 0 ]]; then
  set_conf spark.executor.resource.gpu.amount "$gpu"
  set_conf spark.task.resource.gpu.amount "$gpu"
  default spark.executor.resource.gpu.discoveryScript "$root/deploy/conf/getGpusResources.sh"
fi

# ingest uses no GPU: drop the GPU requests a GPU properties file makes
if [[ "$job" == ingest ]]; then
  for k in "${!conf[@]}"; do
    [[ "$k" == spark.executor.resource.gpu.* || "$k" == spark.task.resource.gpu.* ]] && unset "conf[$k]"
  done
fi

# Memory: the JVM heap holds little (Spark bookkeeping, Parquet pages, the model's Java objects); ND4J's arrays live
# off the heap, in the overhead (counted by YARN and Kubernetes in the container's limit). See docs/cluster.md, "Sizing".
default spark.driver.memory 4g
default spark.executor.memory 4g
default spark.executor.memoryOverhead 8g
default spark.executor.cores 4
# Java serialisation: Kryo with org.nd4j.kryo.Nd4jRegistrator (needed for INDArrays under Kryo) measured slower for
# gradient sharing (java-stack.md section 4). Set both keys to switch.
default spark.serializer org.apache.spark.serializer.JavaSerializer
default spark.ui.showConsoleProgress false
if [[ "$job" == train ]]; then
  # one model replica per executor (parameter averaging: one per task slot), whose ND4J (OpenMP) threads use the
  # executor's cores
  default spark.task.cpus "${conf[spark.executor.cores]}"
  default spark.executorEnv.OMP_NUM_THREADS "${conf[spark.task.cpus]}"
else
  # many small tasks per executor (one ND4J thread each: evaluate's latents are then bitwise reproducible)
  default spark.task.cpus 1
  default spark.executorEnv.OMP_NUM_THREADS 1
fi

exec_mem=$(mib "${conf[spark.executor.memory]}")
overhead=$(mib "${conf[spark.executor.memoryOverhead]}")
exec_opts="${conf[spark.executor.extraJavaOptions]:-}"
[[ "$exec_opts" == *aeron.publication.unblock.timeout* ]] || exec_opts="$exec_opts $aeron"
[[ "$exec_opts" == *javacpp.maxbytes* ]] || exec_opts="$exec_opts -Dorg.bytedeco.javacpp.maxbytes=${overhead}m"
[[ "$exec_opts" == *javacpp.maxphysicalbytes* ]] || exec_opts="$exec_opts -Dorg.bytedeco.javacpp.maxphysicalbytes=$(( (exec_mem + overhead) * 95 / 100 ))m"
conf[spark.executor.extraJavaOptions]="${exec_opts# }"
driver_opts="${conf[spark.driver.extraJavaOptions]:-}"
[[ "$driver_opts" == *aeron.publication.unblock.timeout* ]] || driver_opts="$driver_opts $aeron"
conf[spark.driver.extraJavaOptions]="${driver_opts# }"

# spark-submit itself
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  launcher=("$SPARK_HOME/bin/spark-submit")
  spark_jars="$SPARK_HOME/jars"
elif [[ -n "${SPARK_HOME:-}" && -d "$SPARK_HOME/jars" ]]; then
  # a Spark home without scripts (e.g. deploy/local-cluster.sh's): what bin/spark-submit would run
  mapfile -t jvm < <(grep -v '^\s*$' "$root/bin/jvm17.opts")
  launcher=(java "${jvm[@]}" "-Xmx${conf[spark.driver.memory]}")
  read -r -a extra <<<"${conf[spark.driver.extraJavaOptions]}"
  launcher+=("${extra[@]}" -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" org.apache.spark.deploy.SparkSubmit)
  spark_jars="$SPARK_HOME/jars"
else
  # no Spark distribution: the project's jars are Spark (client mode: this JVM is the driver, so its flags are set here)
  mapfile -t jvm < <(grep -v '^\s*$' "$root/bin/jvm17.opts")
  launcher=(java "${jvm[@]}" "-Xmx${conf[spark.driver.memory]}")
  read -r -a extra <<<"${conf[spark.driver.extraJavaOptions]}"
  launcher+=("${extra[@]}" -cp "$app:$lib/*" org.apache.spark.deploy.SparkSubmit)
  spark_jars=""
fi

# with a Spark distribution, ship the jars it lacks (matched by artifact name, versions aside)
jars=""
if [[ -n "$spark_jars" ]]; then
  declare -A have=()
  for j in "$spark_jars"/*.jar; do
    [[ -e "$j" ]] || continue
    b="$(basename "$j")"; have[${b%%-[0-9]*}]=1
  done
  for j in "$lib"/*.jar; do
    b="$(basename "$j")"
    [[ -n "${have[${b%%-[0-9]*}]:-}" ]] || jars="${jars:+$jars,}$j"
  done
fi

cmd=("${launcher[@]}" --master "${conf[spark.master]}" --deploy-mode "$deploy_mode" --class "$main_class")
[[ -z "$jars" ]] || cmd+=(--jars "$jars")
mapfile -t keys < <(printf '%s\n' "${!conf[@]}" | sort)
for k in "${keys[@]}"; do
  [[ "$k" == spark.master ]] && continue
  cmd+=(--conf "$k=${conf[$k]}")
done
cmd+=("$app" "${app_args[@]}")

export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"
if [[ $dry_run == 1 ]]; then
  printf '%q ' "${cmd[@]}"; echo
  exit 0
fi
echo "submit.sh: $job on ${conf[spark.master]} (${launcher[0]##*/}, executor ${conf[spark.executor.memory]} + ${conf[spark.executor.memoryOverhead]} overhead, ${conf[spark.executor.cores]} core(s))" >&2
exec "${cmd[@]}"
