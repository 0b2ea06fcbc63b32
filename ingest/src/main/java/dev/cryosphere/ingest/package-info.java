/**
 * The ingest job: particle stacks + RELION STAR / cryoSPARC .cs metadata → sharded, validated Parquet
 * ({@link dev.cryosphere.core.dataset.DatasetSchema}). Entry points: {@link dev.cryosphere.ingest.IngestJob#run}
 * (from code and bin/cryosphere) and {@link dev.cryosphere.ingest.IngestMain} (spark-submit).
 */
package dev.cryosphere.ingest;
