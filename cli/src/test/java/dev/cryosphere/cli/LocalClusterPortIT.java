package dev.cryosphere.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * deploy/local-cluster.sh when the Master's port is taken (as happened in CI when another process grabbed a port
 * between choosing it and binding it): Spark moves to the next port, and the workers must follow it.
 */
class LocalClusterPortIT {
    @TempDir
    Path dir;

    @Test
    void workersJoinTheMasterOnThePortItReallyBound() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Path root = Path.of(System.getProperty("cryosphere.root", "..")).toAbsolutePath().normalize();
            List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("deploy/local-cluster.sh").toString(), "start",
                    "--workers", "2", "--port", String.valueOf(port), "--ui-port", "0", "--memory", "1g"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("CRYOSPHERE_CLUSTER_DIR", dir.toString());
            try {
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes());
                assertEquals(0, p.waitFor(), out);
                assertTrue(out.contains("port " + port + " was taken"), out);
                String url = out.strip().lines().reduce((a, b) -> b).orElse("");
                assertTrue(url.startsWith("spark://127.0.0.1:") && !url.endsWith(":" + port), out);
                assertTrue(out.contains("master and 2 worker(s) up"), out);
            } finally {
                ProcessBuilder stop = new ProcessBuilder("bash", root.resolve("deploy/local-cluster.sh").toString(), "stop");
                stop.environment().put("CRYOSPHERE_CLUSTER_DIR", dir.toString());
                stop.inheritIO().start().waitFor();
            }
        }
    }
}
