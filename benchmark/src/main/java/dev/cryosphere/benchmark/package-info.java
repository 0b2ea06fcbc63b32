/**
 * The benchmark engine behind `cryosphere benchmark`: {@link dev.cryosphere.benchmark.BenchmarkSpec} (the YAML spec),
 * {@link dev.cryosphere.benchmark.Benchmark} (simulate → ingest → train → evaluate per entry, through the CLI's
 * commands), {@link dev.cryosphere.benchmark.BenchmarkTruth} (the truth and the scores),
 * {@link dev.cryosphere.benchmark.BenchmarkReport} (benchmark.csv and benchmark.html) and
 * {@link dev.cryosphere.benchmark.LatentFit}. The bundled demo structure ({@code /demo/1ake_A.pdb}) lives in this
 * module's resources.
 */
package dev.cryosphere.benchmark;
