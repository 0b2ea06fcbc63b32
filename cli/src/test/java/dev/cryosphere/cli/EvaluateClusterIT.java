package dev.cryosphere.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Per-particle FSC against truth maps on 200 particles (issue acceptance 3): local[2] and a real 2-worker standalone
 * cluster give the same numbers, byte for byte; and a benchmark of the per-particle stage with 1 and 2 executors.
 */
class EvaluateClusterIT {
    static final int N = 200;
    @TempDir
    Path tmp;

    @Test
    void perParticleFscIsTheSameOnLocalAndOnATwoWorkerCluster() throws Exception {
        EvalFixtures fx = EvalFixtures.create(tmp, N);
        Path local = evaluate(fx, "local", "local[2]");
        double oneExecutor, twoExecutors;
        try (LocalCluster cluster = LocalCluster.start(tmp.resolve("cluster"), 2)) {
            System.setProperty("spark.cores.max", "1");
            try {
                oneExecutor = rate(fx, "cluster1", cluster.masterUrl);
                assertEquals(1, lastExecutors, lastOut);
            } finally {
                System.clearProperty("spark.cores.max");
            }
            twoExecutors = rate(fx, "cluster2", cluster.masterUrl);
            assertEquals(2, lastExecutors, lastOut);
        }
        StringBuilder differ = new StringBuilder();
        for (String f : List.of("latents.csv", "distances.csv", "fsc_per_particle.csv", "fsc_mean.csv"))
            for (String run : List.of("cluster1", "cluster2"))
                if (!Files.readString(local.resolve(f)).equals(Files.readString(tmp.resolve(run).resolve(f))))
                    differ.append(f).append(" (").append(run).append(") ");
        assertEquals("", differ.toString(), "files that differ from local[2]");
        List<String> rows = Files.readAllLines(local.resolve("fsc_per_particle.csv"));
        assertEquals(N + 1, rows.size());
        for (String r : rows.subList(1, rows.size()))
            for (String v : r.split(",")) assertTrue(Double.isFinite(Double.parseDouble(v)), r);
        System.out.printf(Locale.ROOT, "benchmark evaluate (per-particle stage, truth FSC, %d particles): 1 executor %.1f particles/s, "
                + "2 executors %.1f particles/s (x%.2f)%n", N, oneExecutor, twoExecutors, twoExecutors / oneExecutor);
    }

    private Path evaluate(EvalFixtures fx, String name, String master) {
        Path out = tmp.resolve(name);
        Cli c = Cli.run("evaluate", "--run", fx.run.toString(), "--data", fx.data.toString(), "--out", out.toString(),
                "--master", master, "--rows-per-task", "25", "--clusters", "3", "--no-volumes", "--distance", "ends=A:5-40,A:280-312",
                "--truth-maps", fx.maps.toString(), "--truth-labels", fx.labels.toString());
        assertEquals(0, c.exitCode(), c.err());
        lastOut = c.out();
        return out;
    }

    private String lastOut;
    private int lastExecutors;

    /** Particles/s of the per-particle stage, as the job reports it. */
    private double rate(EvalFixtures fx, String name, String master) {
        evaluate(fx, name, master);
        Matcher m = Pattern.compile("\\(([0-9.]+) particles/s\\), \\d+ task\\(s\\) on (\\d+) executor").matcher(lastOut);
        assertTrue(m.find(), lastOut);
        lastExecutors = Integer.parseInt(m.group(2));
        return Double.parseDouble(m.group(1));
    }
}
