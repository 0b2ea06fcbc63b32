package dev.cryosphere.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real standalone Spark cluster (Master + N Workers on 127.0.0.1) started with deploy/local-cluster.sh from the
 * packaged jars, for integration tests. Free ports are chosen so that runs never collide.
 */
final class LocalCluster implements AutoCloseable {
    private final Path root;
    private final Path state;
    final String masterUrl;

    private LocalCluster(Path root, Path state, String masterUrl) {
        this.root = root;
        this.state = state;
        this.masterUrl = masterUrl;
    }

    static LocalCluster start(Path state, int workers) throws IOException, InterruptedException {
        return start(state, workers, 0);
    }

    /** With {@code fakeGpus} > 0 each worker offers that many pretend GPUs, addresses distinct across workers. */
    static LocalCluster start(Path state, int workers, int fakeGpus) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("cryosphere.root", "..")).toAbsolutePath().normalize();
        int port = freePort(), ui = freePort();
        List<String> out = script(root, state, "start", "--workers", String.valueOf(workers), "--port", String.valueOf(port),
                "--ui-port", String.valueOf(ui), "--memory", "2g", "--fake-gpus", String.valueOf(fakeGpus));
        String url = out.get(out.size() - 1).trim();
        if (!url.startsWith("spark://")) throw new IllegalStateException("cluster did not start: " + out);
        return new LocalCluster(root, state, url);
    }

    /** Log text of every executor the workers started (stderr files under the workers' work dirs). */
    String executorLogs() throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.walk(state)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().equals("stderr"))::iterator)
                sb.append("==> ").append(p).append('\n').append(Files.readString(p, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Log text of the executors worker {@code i} (1-based) started. */
    String executorLogs(int worker) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.walk(state.resolve("work" + worker))) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.getFileName().toString().equals("stderr"))::iterator)
                sb.append(Files.readString(p, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    int executorCount() throws IOException {
        try (var files = Files.walk(state)) {
            return (int) files.filter(f -> f.getFileName().toString().equals("stderr")).count();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        script(root, state, "stop");
    }

    private static List<String> script(Path root, Path state, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("deploy/local-cluster.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CRYOSPHERE_CLUSTER_DIR", state.toString());
        Process p = pb.start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
        lines.forEach(l -> System.out.println("[local-cluster] " + l));
        return lines;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
