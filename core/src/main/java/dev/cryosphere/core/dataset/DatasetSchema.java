package dev.cryosphere.core.dataset;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import java.util.List;

/**
 * The column contract of an ingested particle dataset: one Parquet row per particle image. Ingest writes it,
 * trainer and evaluate read it (through {@link DatasetReader}, or Spark's {@code spark.read.parquet(dir)}).
 *
 * <p>A dataset is a directory: {@code part-00000.parquet}, {@code part-00001.parquet}, … (rows in source order:
 * part 0 holds the first rows, and within a part rows follow the source metadata), {@code _dataset.json}
 * ({@link DatasetInfo}) and, when ingest ran with {@code --skip-bad}, {@code _rejected.csv}. Files whose name starts
 * with "_" or "." are not data (Spark skips them too). Compression ZSTD; every column is {@code required}.
 *
 * <table>
 * <caption>Columns</caption>
 * <tr><th>column</th><th>Parquet type</th><th>meaning</th></tr>
 * <tr><td>particle_index</td><td>int64</td><td>0-based row of the particle in the source metadata (STAR/.cs);
 *     unique, increasing through the dataset</td></tr>
 * <tr><td>image_name</td><td>binary (STRING)</td><td>image reference as written in the metadata, e.g.
 *     {@code 000003@Particles/stack.mrcs}</td></tr>
 * <tr><td>optics_group</td><td>int32</td><td>RELION optics group number (1-based; 1 without optics table)</td></tr>
 * <tr><td>image</td><td>binary</td><td>the image: box×box little-endian float32, row-major [y][x] (x fastest), after
 *     the optional Fourier crop and contrast inversion</td></tr>
 * <tr><td>box</td><td>int32</td><td>image side, pixels</td></tr>
 * <tr><td>pixel_size</td><td>double</td><td>Å per pixel of {@code image} (scaled by source box / box after a crop)</td></tr>
 * <tr><td>rotation</td><td>list&lt;double&gt; (LIST, 9)</td><td>RELION rotation matrix A(rot, tilt, psi), row-major
 *     ({@code dev.cryosphere.core.geometry.Euler.toMatrix})</td></tr>
 * <tr><td>angle_rot, angle_tilt, angle_psi</td><td>double</td><td>RELION ZYZ Euler angles, degrees</td></tr>
 * <tr><td>origin_x_angst, origin_y_angst</td><td>double</td><td>RELION rlnOriginX/YAngst, Å: the particle centre is
 *     at image centre − origin (RELION 3.0 pixel origins are converted with the source pixel size)</td></tr>
 * <tr><td>defocus_u, defocus_v</td><td>double</td><td>defocus, Å (underfocus positive)</td></tr>
 * <tr><td>defocus_angle</td><td>double</td><td>astigmatism angle, degrees</td></tr>
 * <tr><td>voltage</td><td>double</td><td>acceleration voltage, kV</td></tr>
 * <tr><td>cs</td><td>double</td><td>spherical aberration, mm</td></tr>
 * <tr><td>amp_contrast</td><td>double</td><td>amplitude contrast Q0</td></tr>
 * <tr><td>phase_shift</td><td>double</td><td>phase shift, degrees (0 when the metadata has none)</td></tr>
 * <tr><td>ctf_bfactor</td><td>double</td><td>CTF B-factor, Å² (0 when none)</td></tr>
 * <tr><td>ctf_scale</td><td>double</td><td>CTF scale factor (1 when none)</td></tr>
 * </table>
 */
public final class DatasetSchema {
    private DatasetSchema() {}

    /** Version of this contract, written to the Parquet footer and to {@code _dataset.json}. */
    public static final int VERSION = 1;
    /** Parquet footer key holding {@link #VERSION}. */
    public static final String FOOTER_VERSION_KEY = "cryosphere.dataset.version";

    public static final String PARTICLE_INDEX = "particle_index";
    public static final String IMAGE_NAME = "image_name";
    public static final String OPTICS_GROUP = "optics_group";
    public static final String IMAGE = "image";
    public static final String BOX = "box";
    public static final String PIXEL_SIZE = "pixel_size";
    public static final String ROTATION = "rotation";
    public static final String ANGLE_ROT = "angle_rot";
    public static final String ANGLE_TILT = "angle_tilt";
    public static final String ANGLE_PSI = "angle_psi";
    public static final String ORIGIN_X_ANGST = "origin_x_angst";
    public static final String ORIGIN_Y_ANGST = "origin_y_angst";
    public static final String DEFOCUS_U = "defocus_u";
    public static final String DEFOCUS_V = "defocus_v";
    public static final String DEFOCUS_ANGLE = "defocus_angle";
    public static final String VOLTAGE = "voltage";
    public static final String CS = "cs";
    public static final String AMP_CONTRAST = "amp_contrast";
    public static final String PHASE_SHIFT = "phase_shift";
    public static final String CTF_BFACTOR = "ctf_bfactor";
    public static final String CTF_SCALE = "ctf_scale";

    /** The double columns after the rotation, in schema order. */
    static final List<String> DOUBLES = List.of(ANGLE_ROT, ANGLE_TILT, ANGLE_PSI, ORIGIN_X_ANGST, ORIGIN_Y_ANGST,
            DEFOCUS_U, DEFOCUS_V, DEFOCUS_ANGLE, VOLTAGE, CS, AMP_CONTRAST, PHASE_SHIFT, CTF_BFACTOR, CTF_SCALE);

    /** Part file name for part number {@code i}: part-00000.parquet, … */
    public static String partName(int i) { return String.format("part-%05d.parquet", i); }

    public static final String INFO_FILE = "_dataset.json";
    public static final String REJECTED_FILE = "_rejected.csv";

    /** The Parquet message type of a part file. */
    public static final MessageType SCHEMA = build();

    private static MessageType build() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        b.required(PrimitiveTypeName.INT64).named(PARTICLE_INDEX);
        b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(IMAGE_NAME);
        b.required(PrimitiveTypeName.INT32).named(OPTICS_GROUP);
        b.required(PrimitiveTypeName.BINARY).named(IMAGE);
        b.required(PrimitiveTypeName.INT32).named(BOX);
        b.required(PrimitiveTypeName.DOUBLE).named(PIXEL_SIZE);
        b.addField(Types.requiredList().requiredElement(PrimitiveTypeName.DOUBLE).named(ROTATION));
        for (String d : DOUBLES) b.required(PrimitiveTypeName.DOUBLE).named(d);
        return b.named("cryosphere_particle");
    }

    /** The schema without the image column (metadata-only reads). */
    public static MessageType withoutImage() {
        List<Type> fields = SCHEMA.getFields().stream().filter(f -> !f.getName().equals(IMAGE)).toList();
        return new MessageType(SCHEMA.getName(), fields);
    }
}
