# shellcheck shell=bash
# Sourced by local-cluster.sh and spark-node.sh (one definition of the project's SPARK_HOME).
#
# fill_spark_home HOME APP_JAR LIB_DIR: makes HOME a SPARK_HOME whose jars/ are the project's runtime jars (a Worker
# builds executor class paths from SPARK_HOME/jars) and whose log4j2 configuration keeps Spark at WARN except its
# deploy messages (Master/Worker registration), on stderr.
fill_spark_home() {
  local home="$1" app="$2" lib="$3" j
  mkdir -p "$home/jars" "$home/conf"
  for j in "$lib"/*.jar "$app"; do ln -sfn "$j" "$home/jars/$(basename "$j")"; done
  cat > "$home/conf/log4j2.properties" <<'LOG'
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.deploy.name = org.apache.spark.deploy
logger.deploy.level = info
LOG
}
