package dev.cryosphere.evaluate.job;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** latents.parquet: particle_index, image_name, z0…z{L-1} (one file, dataset order; the same table as latents.csv). */
final class LatentParquet {
    private LatentParquet() {}

    static void write(JavaSparkContext jsc, Path target, List<ParticleResult> rows) {
        int l = rows.get(0).z().length;
        StructType schema = new StructType().add("particle_index", DataTypes.LongType, false).add("image_name", DataTypes.StringType, true);
        for (int d = 0; d < l; d++) schema = schema.add("z" + d, DataTypes.DoubleType, false);
        List<Row> out = new ArrayList<>(rows.size());
        for (ParticleResult r : rows) {
            Object[] v = new Object[2 + l];
            v[0] = r.index();
            v[1] = r.imageName();
            for (int d = 0; d < l; d++) v[2 + d] = r.z()[d];
            out.add(RowFactory.create(v));
        }
        SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
        spark.createDataFrame(out, schema).coalesce(1).write().parquet(target.toUri().toString());
    }
}
