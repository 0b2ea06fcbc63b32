package dev.cryosphere.cli;

import dev.cryosphere.trainer.run.Checkpoints;
import dev.cryosphere.trainer.run.RunLayout;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Run and evaluation folders on a real HDFS (MiniDFSCluster from hadoop-client-minicluster, started here): train
 * --out, --resume after a crash, an --overwrite interrupted and finished, evaluate --run/--out, select, failures that
 * leave the store as it was, and an unreachable name node. The numbers are checked against the same commands on local
 * folders. An IT because the cluster, the dataset and five trainings take a few minutes on two cores.
 */
class HdfsRunFolderIT {
    @TempDir
    static Path dir;
    static MiniHdfs hdfs;
    static FileSystem fs;
    static Path data, structure, config;

    @BeforeAll
    static void start() throws Exception {
        hdfs = MiniHdfs.start(dir.resolve("hdfs"));
        fs = hdfs.fs();
        TinyDataset tiny = TinyDataset.make(dir, 96, 24, 4.0);
        data = tiny.data();
        structure = tiny.structure();
        config = TinyDataset.writeConfig(dir.resolve("tiny.yaml"), 3, "");
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) hdfs.close();
    }

    private static String uri(String path) {
        return hdfs.uri() + path;
    }

    private static Cli train(String out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--structure", structure.toString(),
                "--out", out, "--config", config.toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static Cli crashingTrain(int afterEpoch, String out, String... extra) {
        System.setProperty("cryosphere.train.crashAfterEpoch", String.valueOf(afterEpoch));
        try {
            return train(out, extra);
        } finally {
            System.clearProperty("cryosphere.train.crashAfterEpoch");
        }
    }

    @Test
    void trainResumeEvaluateAndSelectOnHdfsMatchTheLocalRun() throws Exception {
        Path local = dir.resolve("local");
        Cli c = train(local.toString());
        assertEquals(0, c.exitCode(), c.err());

        // a run whose JVM "dies" after epoch 2: the two checkpoints uploaded after their epochs are on HDFS
        String r1 = uri("/runs/r1");
        assertNotEquals(0, crashingTrain(2, r1).exitCode());
        assertEquals(List.of("epoch-0001", "epoch-0002"), names("/runs/r1/checkpoints"));
        for (String f : List.of("run.json", "config.json", "metrics.csv", "base_structure.pdb", "checkpoints/epoch-0002/model.zip",
                "checkpoints/epoch-0002/state.json"))
            assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/r1/" + f)), f);

        // --resume from HDFS adds the third epoch; the parameters are exactly those of the uninterrupted local run
        c = Cli.run("train", "--data", data.toString(), "--out", r1, "--resume");
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("-> " + r1), c.out());
        assertEquals(List.of("epoch-0001", "epoch-0002", "epoch-0003"), names("/runs/r1/checkpoints"));
        assertEquals(4, new String(read("/runs/r1/metrics.csv")).lines().count(), "header + one row per epoch");
        Path downloaded = download("/runs/r1");
        assertEquals(finalParams(local), finalParams(downloaded), "bit-exact parameters");
        assertEquals(List.of("r1"), names("/runs"), "no temporary folder left beside the run");

        // a new train of an existing remote run is refused before any work, as locally
        c = train(r1);
        assertEquals(2, c.exitCode(), c.err());
        assertEquals("error: " + r1 + ": already exists (use --resume to continue it or --overwrite to replace it)", c.err().strip());

        // evaluate: RUN from HDFS, EVAL to HDFS; the same latents as evaluating the local run
        Path localEval = dir.resolve("eval-local");
        c = Cli.run("evaluate", "--run", local.toString(), "--data", data.toString(), "--out", localEval.toString(),
                "--master", "local[2]", "--clusters", "2", "--no-volumes");
        assertEquals(0, c.exitCode(), c.err());
        String e1 = uri("/evals/e1");
        c = Cli.run("evaluate", "--run", r1, "--data", data.toString(), "--out", e1, "--master", "local[2]", "--clusters", "2",
                "--no-volumes");
        assertEquals(0, c.exitCode(), c.err());
        assertArrayEquals(Files.readAllBytes(localEval.resolve("latents.csv")), read("/evals/e1/latents.csv"));
        assertArrayEquals(Files.readAllBytes(localEval.resolve("clusters.csv")), read("/evals/e1/clusters.csv"));
        assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/evals/e1/report.html")));

        // a failure after staging (a checkpoint the run does not have) leaves an existing EVAL byte-identical ...
        Map<String, byte[]> before = contents("/evals/e1");
        c = Cli.run("evaluate", "--run", r1, "--data", data.toString(), "--out", e1, "--overwrite", "--epoch", "9",
                "--master", "local[2]");
        assertEquals(2, c.exitCode(), c.err());
        assertEquals(1, c.err().strip().lines().count(), c.err());
        assertContentsEqual(before, contents("/evals/e1"));
        // ... and nothing where there was nothing
        c = Cli.run("evaluate", "--run", r1, "--data", data.toString(), "--out", uri("/evals/e2"), "--epoch", "9",
                "--master", "local[2]");
        assertEquals(2, c.exitCode(), c.err());
        assertEquals(List.of("e1"), names("/evals"));
        // an existing EVAL without --overwrite: refused before the work
        c = Cli.run("evaluate", "--run", r1, "--data", data.toString(), "--out", e1, "--master", "local[2]");
        assertEquals(2, c.exitCode(), c.err());
        assertEquals("error: " + e1 + ": already exists (use --overwrite to replace it)", c.err().strip());

        // select: latents (and clusters.csv beside them) from HDFS, the STAR file to HDFS, as the local select writes it
        c = Cli.run("select", "--latents", localEval.resolve("latents.csv").toString(), "--data", data.toString(),
                "--where", "cluster == 1", "--out", dir.resolve("sel/c1").toString());
        assertEquals(0, c.exitCode(), c.err());
        c = Cli.run("select", "--latents", e1 + "/latents.csv", "--data", data.toString(), "--where", "cluster == 1",
                "--out", uri("/sel/c1"));
        assertEquals(0, c.exitCode(), c.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("sel/c1.star")), read("/sel/c1.star"));
        assertEquals(List.of("c1.star"), names("/sel"));
    }

    @Test
    void anInterruptedOverwriteLeavesTheOldRunAndResumeSwapsTheNewOneIn() throws Exception {
        String r = uri("/ow-runs/ow");
        Cli c = train(r, "--epochs", "1");
        assertEquals(0, c.exitCode(), c.err());
        Map<String, byte[]> old = contents("/ow-runs/ow");

        // the replacement dies after its first epoch: the old run is untouched, the new one's checkpoint is kept beside it
        assertNotEquals(0, crashingTrain(1, r, "--overwrite", "--epochs", "2", "--seed", "5").exitCode());
        assertContentsEqual(old, contents("/ow-runs/ow"));
        List<String> beside = names("/ow-runs").stream().filter(n -> n.startsWith(".ow.tmp-")).toList();
        assertEquals(1, beside.size(), names("/ow-runs").toString());
        assertEquals(List.of("epoch-0001"), names("/ow-runs/" + beside.get(0) + "/checkpoints"));

        // --resume finishes the replacement and only then swaps it onto RUN
        c = Cli.run("train", "--data", data.toString(), "--out", r, "--resume");
        assertEquals(0, c.exitCode(), c.err());
        assertEquals(List.of("epoch-0001", "epoch-0002"), names("/ow-runs/ow/checkpoints"));
        String configJson = new String(read("/ow-runs/ow/config.json"));
        assertTrue(java.util.regex.Pattern.compile("\"seed\"\\s*:\\s*5\\b").matcher(configJson).find(), configJson);
        assertTrue(names("/ow-runs").stream().noneMatch(n -> n.startsWith(".ow")), names("/ow-runs").toString());
    }

    @Test
    void anUnreachableNameNodeIsOneLineAndExitCode3() {
        String r = "hdfs://127.0.0.1:1/runs/x";
        Cli c = train(r);
        assertEquals(3, c.exitCode(), c.err());
        String err = c.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("error: " + r + ": cannot reach the file system: ") && err.contains("Connection refused"), err);
        c = Cli.run("evaluate", "--run", r, "--data", data.toString(), "--out", dir.resolve("never").toString());
        assertEquals(3, c.exitCode(), c.err());
        assertTrue(c.err().strip().startsWith("error: " + r + ": cannot reach the file system: "), c.err());
        assertFalse(Files.exists(dir.resolve("never")));
    }

    private static List<String> names(String hdfsDir) throws IOException {
        return Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(hdfsDir))).map(s -> s.getPath().getName()).sorted().toList();
    }

    private static byte[] read(String hdfsFile) throws IOException {
        try (FSDataInputStream in = fs.open(new org.apache.hadoop.fs.Path(hdfsFile))) {
            return in.readAllBytes();
        }
    }

    /** Every file under the folder, by relative path, with its bytes. */
    private static Map<String, byte[]> contents(String hdfsDir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        var it = fs.listFiles(new org.apache.hadoop.fs.Path(hdfsDir), true);
        String root = fs.makeQualified(new org.apache.hadoop.fs.Path(hdfsDir)).toString();
        while (it.hasNext()) {
            FileStatus s = it.next();
            out.put(s.getPath().toString().substring(root.length()), read(s.getPath().toUri().getPath()));
        }
        return out;
    }

    private static void assertContentsEqual(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) assertArrayEquals(expected.get(k), actual.get(k), k);
    }

    private static Path download(String hdfsDir) throws IOException {
        Path to = dir.resolve("downloaded" + hdfsDir.replace('/', '-'));
        fs.copyToLocalFile(false, new org.apache.hadoop.fs.Path(hdfsDir), new org.apache.hadoop.fs.Path(to.toUri()), true);
        return to;
    }

    private static INDArray finalParams(Path run) {
        RunLayout l = new RunLayout(run);
        ComputationGraph g = Checkpoints.loadGraph(l, l.latestCheckpoint().orElseThrow());
        return g.params().dup();
    }
}
