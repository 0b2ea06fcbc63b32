package dev.cryosphere.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Main class for {@code spark-submit}: the options of {@code cryosphere train}; the master comes from spark-submit's
 * {@code --master} (system property spark.master) unless --master is given.
 * <pre>
 * spark-submit --class dev.cryosphere.cli.TrainMain --master spark://host:7077 \
 *   --conf spark.executor.extraJavaOptions='-Daeron.publication.unblock.timeout=60000000000 -Daeron.dir.delete.on.shutdown=true' \
 *   cryosphere-cli.jar --data ds --structure base.pdb --out run --config run.yaml
 * </pre>
 */
public final class TrainMain {
    private TrainMain() {}

    public static void main(String[] args) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(List.of(args));
        String master = System.getProperty("spark.master");
        if (master != null && !a.contains("--master")) a.addAll(List.of("--master", master));
        dev.cryosphere.trainer.spark.SparkEpochs.aeronDefaults();
        int rc = CryosphereCommand.execute(new java.io.PrintWriter(System.err, true), a.toArray(String[]::new));
        System.exit(rc);
    }
}
