/**
 * What the Spark jobs (ingest, train, evaluate, doctor) share: {@link dev.cryosphere.spark.SparkContexts}, how each
 * gets its Spark context. Kept apart so that {@code trainer} and {@code evaluate} need not depend on {@code ingest}.
 */
package dev.cryosphere.spark;
