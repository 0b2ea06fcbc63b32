package dev.cryosphere.core.dataset;

import dev.cryosphere.core.physics.CtfParams;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;

import java.util.Map;

/** Materialises {@link DatasetRow}s straight from the column readers (no intermediate Group objects). */
final class RowReadSupport extends ReadSupport<DatasetRow> {
    private final boolean images;

    RowReadSupport(boolean images) { this.images = images; }

    @Override
    public ReadContext init(InitContext context) {
        MessageType file = context.getFileSchema();
        MessageType wanted = images ? DatasetSchema.SCHEMA : DatasetSchema.withoutImage();
        file.checkContains(wanted);
        return new ReadContext(wanted);
    }

    @Override
    public RecordMaterializer<DatasetRow> prepareForRead(Configuration conf, Map<String, String> keyValueMetaData,
                                                         MessageType fileSchema, ReadContext readContext) {
        return new Materializer(readContext.getRequestedSchema());
    }

    private static final class Materializer extends RecordMaterializer<DatasetRow> {
        private final RowConverter root;

        Materializer(MessageType schema) { root = new RowConverter(schema); }

        @Override public DatasetRow getCurrentRecord() { return root.row(); }

        @Override public GroupConverter getRootConverter() { return root; }
    }

    private static final class RowConverter extends GroupConverter {
        private final Converter[] fields;
        long particleIndex;
        String imageName;
        int opticsGroup;
        float[] image;
        int box;
        double pixelSize;
        double[] rotation;
        int rotationCount;
        final double[] doubles = new double[DatasetSchema.DOUBLES.size()];

        RowConverter(MessageType schema) {
            fields = new Converter[schema.getFieldCount()];
            for (int i = 0; i < fields.length; i++) fields[i] = converter(schema.getFieldName(i));
        }

        private Converter converter(String name) {
            switch (name) {
                case DatasetSchema.PARTICLE_INDEX: return new PrimitiveConverter() {
                    @Override public void addLong(long v) { particleIndex = v; } };
                case DatasetSchema.IMAGE_NAME: return new PrimitiveConverter() {
                    @Override public void addBinary(Binary v) { imageName = v.toStringUsingUTF8(); } };
                case DatasetSchema.OPTICS_GROUP: return new PrimitiveConverter() {
                    @Override public void addInt(int v) { opticsGroup = v; } };
                case DatasetSchema.IMAGE: return new PrimitiveConverter() {
                    @Override public void addBinary(Binary v) { image = DatasetWriter.decode(v.toByteBuffer()); } };
                case DatasetSchema.BOX: return new PrimitiveConverter() {
                    @Override public void addInt(int v) { box = v; } };
                case DatasetSchema.PIXEL_SIZE: return new PrimitiveConverter() {
                    @Override public void addDouble(double v) { pixelSize = v; } };
                case DatasetSchema.ROTATION: return rotationConverter();
                default:
                    int k = DatasetSchema.DOUBLES.indexOf(name);
                    if (k < 0) throw new IllegalStateException("unexpected column " + name);
                    return new PrimitiveConverter() {
                        @Override public void addDouble(double v) { doubles[k] = v; } };
            }
        }

        private GroupConverter rotationConverter() {
            PrimitiveConverter element = new PrimitiveConverter() {
                @Override public void addDouble(double v) {
                    if (rotationCount < 9) rotation[rotationCount] = v;
                    rotationCount++;
                }
            };
            GroupConverter list = new GroupConverter() {
                @Override public Converter getConverter(int i) { return element; }
                @Override public void start() {}
                @Override public void end() {}
            };
            return new GroupConverter() {
                @Override public Converter getConverter(int i) { return list; }
                @Override public void start() { rotation = new double[9]; rotationCount = 0; }
                @Override public void end() {
                    if (rotationCount != 9) throw new IllegalStateException("rotation has " + rotationCount + " values, expected 9");
                }
            };
        }

        @Override public Converter getConverter(int fieldIndex) { return fields[fieldIndex]; }

        @Override public void start() { image = null; }

        @Override public void end() {}

        DatasetRow row() {
            double[] d = doubles;
            CtfParams ctf = new CtfParams(d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13]);
            return new DatasetRow(particleIndex, imageName, opticsGroup, image, box, pixelSize, rotation,
                    d[0], d[1], d[2], d[3], d[4], ctf);
        }
    }
}
