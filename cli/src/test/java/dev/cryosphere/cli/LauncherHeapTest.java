package dev.cryosphere.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * bin/cryosphere sizes the Java heap of train and bench-train from the dataset (issue 20): 768 MiB + 4 x the largest
 * part file x the local Spark threads, at least 1 GiB, not Java's default of a quarter of the machine. Run against a
 * stand-in `java` that prints its arguments.
 */
class LauncherHeapTest {
    @TempDir
    static Path dir;

    private static List<String> javaArgs(String javaOpts, String... args) throws Exception {
        Path root = Path.of(System.getProperty("cryosphere.root", "..")).toAbsolutePath().normalize();
        Path bin = Files.createDirectories(dir.resolve("app/bin")), fake = Files.createDirectories(dir.resolve("fake"));
        Files.copy(root.resolve("bin/cryosphere"), bin.resolve("cryosphere"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(root.resolve("bin/jvm17.opts"), bin.resolve("jvm17.opts"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path java = fake.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" \"env MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-unset}\"\n");
        java.toFile().setExecutable(true);
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", bin.resolve("cryosphere").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", fake + ":" + System.getenv("PATH"));
        pb.environment().put("CRYOSPHERE_SKIP_BUILD", "1");
        pb.environment().remove("MALLOC_ARENA_MAX");
        if (javaOpts == null) pb.environment().remove("CRYOSPHERE_JAVA_OPTS");
        else pb.environment().put("CRYOSPHERE_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static Path dataset(String name, long... partBytes) throws Exception {
        Path ds = Files.createDirectories(dir.resolve(name));
        Files.writeString(ds.resolve("_dataset.json"), "{}");
        for (int i = 0; i < partBytes.length; i++) {
            try (RandomAccessFile f = new RandomAccessFile(ds.resolve(String.format("part-%05d.parquet", i)).toFile(), "rw")) {
                f.setLength(partBytes[i]);   // sparse: only the size matters
            }
        }
        return ds;
    }

    private static List<String> xmx(List<String> args) {
        return args.stream().filter(a -> a.startsWith("-Xmx")).toList();
    }

    @Test
    void trainingHeapFollowsTheLargestPart() throws Exception {
        Path ds = dataset("ds", 50L << 20, 100L << 20);
        List<String> a = javaArgs(null, "train", "--data", ds.toString(), "--out", "run");
        assertEquals(List.of("-Xmx1168m"), xmx(a), a.toString());
        assertTrue(a.stream().anyMatch(s -> s.startsWith("-Dorg.bytedeco.javacpp.maxphysicalbytes=")), a.toString());
        // one part per Spark task thread in local mode
        assertEquals(List.of("-Xmx1568m"), xmx(javaArgs(null, "train", "--data=" + ds, "--master", "local[2]", "--out", "run")));
        assertEquals(List.of("-Xmx1168m"), xmx(javaArgs(null, "bench-train", "--structure", "s.pdb", "--data", ds.toString())));
    }

    @Test
    void smallDataGetsOneGibAndAnExplicitXmxWins() throws Exception {
        Path ds = dataset("small", 1L << 20);
        assertEquals(List.of("-Xmx1024m"), xmx(javaArgs(null, "train", "--data", ds.toString(), "--out", "run")));
        assertEquals(List.of("-Xmx6g"), xmx(javaArgs("-Xmx6g", "train", "--data", ds.toString(), "--out", "run")));
        assertEquals(List.of(), xmx(javaArgs(null, "evaluate", "--data", ds.toString())), "other commands keep Java's default");
    }

    @Test
    void trainingGetsTwoMallocArenasUnlessTheUserSetsThem() throws Exception {
        Path ds = dataset("arenas", 1L << 20);
        assertTrue(javaArgs(null, "train", "--data", ds.toString(), "--out", "run").contains("env MALLOC_ARENA_MAX=2"));
        assertTrue(javaArgs(null, "benchmark", "--spec", "s.yaml", "--out", "b").contains("env MALLOC_ARENA_MAX=2"));
        assertTrue(javaArgs(null, "evaluate", "--data", ds.toString()).contains("env MALLOC_ARENA_MAX=unset"),
                "other commands keep glibc's default");
    }
}
