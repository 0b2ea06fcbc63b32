package dev.cryosphere.core.dataset;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Writes one part file of a dataset ({@link DatasetSchema}) with parquet-hadoop: ZSTD, no dictionary for the image
 * column, row groups of {@link #ROW_GROUP_BYTES} so that readers hold at most that much per open file. Rows are
 * written in the order given. Works on any Hadoop file system.
 */
public final class DatasetWriter implements AutoCloseable {
    /** Row-group size: bounds the memory of a writer and of a streaming reader (one row group at a time). */
    public static final long ROW_GROUP_BYTES = 16L << 20;

    private final ParquetWriter<DatasetRow> writer;
    private final int box;
    private long rows;

    private DatasetWriter(ParquetWriter<DatasetRow> writer, int box) {
        this.writer = writer;
        this.box = box;
    }

    /** Creates (or replaces) {@code file}; every row must have a box×box image. */
    public static DatasetWriter open(Path file, Configuration conf, int box) throws IOException {
        ParquetWriter<DatasetRow> w = new Builder(HadoopOutputFile.fromPath(file, conf))
                .withConf(conf)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .withPageSize(1 << 20)
                .withDictionaryEncoding(true)
                .withDictionaryEncoding(DatasetSchema.IMAGE, false)
                .withDictionaryEncoding(DatasetSchema.IMAGE_NAME, false)
                .withStatisticsTruncateLength(16)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withValidation(false)
                .build();
        return new DatasetWriter(w, box);
    }

    public void write(DatasetRow row) throws IOException {
        if (row.image() == null || row.image().length != box * box)
            throw new IllegalArgumentException("row " + row.particleIndex() + ": image must have " + box + "×" + box + " pixels");
        if (row.box() != box) throw new IllegalArgumentException("row " + row.particleIndex() + ": box " + row.box() + " ≠ " + box);
        if (row.rotation() == null || row.rotation().length != 9)
            throw new IllegalArgumentException("row " + row.particleIndex() + ": rotation must have 9 values");
        writer.write(row);
        rows++;
    }

    public long rows() { return rows; }

    /** Bytes written so far (compressed, approximately, including the buffered row group). */
    public long dataSize() { return writer.getDataSize(); }

    @Override
    public void close() throws IOException { writer.close(); }

    /** Little-endian float32 bytes of an image. */
    public static byte[] encode(float[] image) {
        ByteBuffer b = ByteBuffer.allocate(4 * image.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(image);
        return b.array();
    }

    /** Inverse of {@link #encode}. */
    public static float[] decode(ByteBuffer littleEndian) {
        ByteBuffer b = littleEndian.slice().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    private static final class Builder extends ParquetWriter.Builder<DatasetRow, Builder> {
        Builder(org.apache.parquet.io.OutputFile file) { super(file); }

        @Override protected Builder self() { return this; }

        @Override protected WriteSupport<DatasetRow> getWriteSupport(Configuration conf) { return new RowWriteSupport(); }
    }

    private static final class RowWriteSupport extends WriteSupport<DatasetRow> {
        private RecordConsumer out;

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(DatasetSchema.SCHEMA,
                    Map.of(DatasetSchema.FOOTER_VERSION_KEY, String.valueOf(DatasetSchema.VERSION)));
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) { out = recordConsumer; }

        @Override
        public void write(DatasetRow r) {
            out.startMessage();
            int i = 0;
            field(i++, DatasetSchema.PARTICLE_INDEX, () -> out.addLong(r.particleIndex()));
            field(i++, DatasetSchema.IMAGE_NAME, () -> out.addBinary(Binary.fromString(r.imageName())));
            field(i++, DatasetSchema.OPTICS_GROUP, () -> out.addInteger(r.opticsGroup()));
            field(i++, DatasetSchema.IMAGE, () -> out.addBinary(Binary.fromConstantByteArray(encode(r.image()))));
            field(i++, DatasetSchema.BOX, () -> out.addInteger(r.box()));
            field(i++, DatasetSchema.PIXEL_SIZE, () -> out.addDouble(r.pixelSize()));
            // 3-level LIST: rotation { repeated group list { required double element } }
            out.startField(DatasetSchema.ROTATION, i++);
            out.startGroup();
            out.startField("list", 0);
            for (double v : r.rotation()) {
                out.startGroup();
                out.startField("element", 0);
                out.addDouble(v);
                out.endField("element", 0);
                out.endGroup();
            }
            out.endField("list", 0);
            out.endGroup();
            out.endField(DatasetSchema.ROTATION, i - 1);
            var c = r.ctf();
            double[] d = {r.rot(), r.tilt(), r.psi(), r.originXAngst(), r.originYAngst(), c.defocusU(), c.defocusV(),
                    c.defocusAngle(), c.voltage(), c.cs(), c.ampContrast(), c.phaseShift(), c.bFactor(), c.scale()};
            for (int k = 0; k < d.length; k++) {
                double v = d[k];
                field(i++, DatasetSchema.DOUBLES.get(k), () -> out.addDouble(v));
            }
            out.endMessage();
        }

        private void field(int index, String name, Runnable value) {
            out.startField(name, index);
            value.run();
            out.endField(name, index);
        }
    }
}
