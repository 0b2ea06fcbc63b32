package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.AtomicModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Per-particle structures (--structures), written by the executors straight from the per-particle RDD (the driver
 * never holds coordinates): structures.parquet (particle_index, image_name, coordinates = x,y,z per residue, Å) and,
 * with --pdb, structures/particle_INDEX.pdb (CA model with the base structure's chains and residue numbers).
 */
final class StructureOutputs {
    static final StructType SCHEMA = new StructType()
            .add("particle_index", DataTypes.LongType, false)
            .add("image_name", DataTypes.StringType, true)
            .add("coordinates", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private StructureOutputs() {}

    private static float[] shifted(float[] xyz, double[] offset) {
        float[] out = xyz.clone();
        for (int i = 0; i < out.length; i++) out[i] += (float) offset[i % 3];
        return out;
    }

    static void write(JavaSparkContext jsc, JavaRDD<ParticleResult> rdd, Path dir, String run, int epoch, boolean pdb) {
        JavaRDD<ParticleResult> selected = rdd.filter(r -> r.coordinates() != null);
        // a float[] is taken as array<float> directly (Spark's encoder checks for it; a java.util.List is refused)
        // in the user's frame (train --map; zero offset otherwise), as the PDB files
        double[] offset = dev.cryosphere.trainer.run.RunFrame.offset(new dev.cryosphere.trainer.run.RunLayout(Path.of(run)));
        JavaRDD<Row> rows = selected.map(r -> RowFactory.create(r.index(), r.imageName(), shifted(r.coordinates(), offset)));
        SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
        spark.createDataFrame(rows, SCHEMA).write().parquet(dir.resolve("structures.parquet").toUri().toString());
        if (!pdb) return;
        String target = dir.resolve("structures").toString();
        selected.foreachPartition(it -> {
            if (!it.hasNext()) return;
            AtomicModel base = ModelCache.get(run, epoch).model().baseModel();
            double[] shift = ModelCache.get(run, epoch).model().frameOffset();
            java.nio.file.Files.createDirectories(Path.of(target));
            while (it.hasNext()) {
                ParticleResult r = it.next();
                double[] xyz = new double[r.coordinates().length];
                for (int i = 0; i < xyz.length; i++) xyz[i] = r.coordinates()[i] + shift[i % 3];
                base.withCoordinates(xyz).writePdb(Path.of(target, String.format(Locale.ROOT, "particle_%d.pdb", r.index())));
            }
        });
    }
}
