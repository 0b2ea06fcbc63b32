package dev.cryosphere.core.dataset;

import dev.cryosphere.core.util.InputException;
import dev.cryosphere.core.util.IoFailure;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetReader;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads an ingested dataset ({@link DatasetSchema}) in a plain JVM or inside Spark executors, without Spark:
 * parquet-hadoop on any Hadoop file system (plain paths, file://, hdfs://, s3a://).
 *
 * <p>Data is streamed: {@link #batches} yields {@link ParticleBatch}es of up to B rows in dataset order, holding one
 * Parquet row group (≤ {@link DatasetWriter#ROW_GROUP_BYTES}) plus the batch in memory. Executors that own one part
 * use {@link #readPart}. Part order comes from {@code _dataset.json}; part i holds rows before part i+1.
 *
 * <pre>{@code
 * DatasetReader ds = DatasetReader.open("hdfs://nn/data/ribosome");
 * ds.info().box();  ds.info().normalization().fStd();
 * try (DatasetReader.BatchStream s = ds.batches(64)) {
 *     while (s.hasNext()) { ParticleBatch b = s.next(); ... b.images[i], b.rotation[i], b.ctf[i] ... }
 * }
 * }</pre>
 */
public final class DatasetReader {
    private final Configuration conf;
    private final Path dir;
    private final DatasetInfo info;

    private DatasetReader(Configuration conf, Path dir, DatasetInfo info) {
        this.conf = conf;
        this.dir = dir;
        this.info = info;
    }

    /** A dataset directory: a plain path or a Hadoop URI. */
    public static DatasetReader open(String uri) { return open(uri, new Configuration()); }

    public static DatasetReader open(java.nio.file.Path dir) { return open(dir.toAbsolutePath().toUri().toString()); }

    public static DatasetReader open(String uri, Configuration conf) {
        Path dir = new Path(uri);
        Path json = new Path(dir, DatasetSchema.INFO_FILE);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            try (FSDataInputStream in = fs.open(json)) {
                DatasetInfo info = DatasetInfo.read(in);
                if (info.formatVersion() > DatasetSchema.VERSION)
                    throw new InputException(json, "format_version", "dataset format " + info.formatVersion()
                            + " is newer than this software reads (" + DatasetSchema.VERSION + ")");
                return new DatasetReader(conf, dir, info);
            }
        } catch (FileNotFoundException e) {
            throw new InputException(uri, null, "not a dataset: " + DatasetSchema.INFO_FILE + " not found", e);
        } catch (InputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InputException(json, null, "damaged, cannot be read (" + IoFailure.reason(e) + "); ingest the "
                    + "dataset again", e);
        }
    }

    public DatasetInfo info() { return info; }

    public long count() { return info.count(); }

    /** The dataset directory as a URI string. */
    public String uri() { return dir.toString(); }

    /** Part files as full URIs, in row order. */
    public List<String> parts() {
        List<String> out = new ArrayList<>();
        for (DatasetInfo.Part p : info.parts()) out.add(new Path(dir, p.file()).toString());
        return out;
    }

    /** Every row, with images, in batches of up to {@code batchSize}. */
    public BatchStream batches(int batchSize) { return batches(batchSize, true); }

    /** Every row in batches; {@code images} false skips the image column (metadata only: fast and small). */
    public BatchStream batches(int batchSize, boolean images) {
        return new BatchStream(parts(), batchSize, images, conf);
    }

    /** One part file (e.g. inside a Spark task), with a default Hadoop configuration. */
    public static BatchStream readPart(String partUri, int batchSize, boolean images) {
        return readPart(partUri, batchSize, images, new Configuration());
    }

    public static BatchStream readPart(String partUri, int batchSize, boolean images, Configuration conf) {
        return new BatchStream(List.of(partUri), batchSize, images, conf);
    }

    /** Batches over a list of part files, in order. Close it to release the open file. */
    public static final class BatchStream implements Iterator<ParticleBatch>, AutoCloseable {
        private final List<String> parts;
        private final int batchSize;
        private final boolean images;
        private final Configuration conf;
        private int nextPart;
        private String current;
        private ParquetReader<DatasetRow> reader;
        private DatasetRow pending;
        private boolean done;

        BatchStream(List<String> parts, int batchSize, boolean images, Configuration conf) {
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
            this.parts = parts;
            this.batchSize = batchSize;
            this.images = images;
            this.conf = conf;
        }

        @Override
        public boolean hasNext() {
            if (pending == null && !done) pending = nextRow();
            return pending != null;
        }

        @Override
        public ParticleBatch next() {
            if (!hasNext()) throw new NoSuchElementException();
            List<DatasetRow> rows = new ArrayList<>(batchSize);
            rows.add(pending);
            pending = null;
            while (rows.size() < batchSize) {
                DatasetRow r = nextRow();
                if (r == null) break;
                rows.add(r);
            }
            return new ParticleBatch(rows);
        }

        private DatasetRow nextRow() {
            try {
                while (true) {
                    if (reader == null) {
                        if (nextPart >= parts.size()) {
                            done = true;
                            return null;
                        }
                        current = parts.get(nextPart++);
                        try {
                            reader = ParquetReader.builder(new RowReadSupport(images), new Path(current)).withConf(conf).build();
                        } catch (FileNotFoundException e) {
                            throw new InputException(current, null, "part file not found (the dataset is incomplete: "
                                    + "ingest it again)", e);
                        }
                    }
                    DatasetRow r = reader.read();
                    if (r != null) return r;
                    reader.close();
                    reader = null;
                }
            } catch (InputException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // a truncated or overwritten part: parquet-hadoop says so in its own words, with a stack trace
                throw new InputException(current, null, "damaged Parquet part, cannot be read (" + IoFailure.reason(e)
                        + "); ingest the dataset again", e);
            }
        }

        @Override
        public void close() {
            done = true;
            if (reader != null) {
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    reader = null;
                }
            }
        }
    }
}
