package dev.cryosphere.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * deploy/aeron-clean.sh removes the Aeron directories of dead JVMs and nothing else: not one whose cnc.dat a live
 * process holds open, not one younger than a minute (a driver still starting), not another user's.
 */
class AeronCleanScriptTest {
    @TempDir
    Path dir;

    private static String user() throws Exception {
        Process p = new ProcessBuilder("id", "-un").start();
        return new String(p.getInputStream().readAllBytes()).trim();
    }

    private Path aeronDir(String name, boolean old) throws Exception {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.write(d.resolve("cnc.dat"), new byte[4096]);
        Files.write(d.resolve("loss-report.dat"), new byte[8192]);
        if (old) Files.setLastModifiedTime(d, FileTime.from(Instant.now().minusSeconds(600)));
        return d;
    }

    @Test
    void removesOnlyStaleDirectoriesOfThisUser() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder("bash", "-c", "command -v fuser").start().waitFor() == 0,
                "fuser (psmisc) not installed");
        String user = user();
        Path stale = aeronDir("aeron-" + user + "-1111", true);
        Path held = aeronDir("aeron-" + user + "-2222", true);
        Path young = aeronDir("aeron-" + user + "-3333", false);
        Path other = aeronDir("aeron-someoneelse-4444", true);
        Process holder = new ProcessBuilder("bash", "-c", "exec 3<\"$0\"; sleep 60", held.resolve("cnc.dat").toString()).start();
        try {
            Thread.sleep(500);   // the holder has opened the file
            Path root = Path.of(System.getProperty("cryosphere.root", "..")).toAbsolutePath().normalize();
            Process p = new ProcessBuilder("bash", root.resolve("deploy/aeron-clean.sh").toString(), "--dir", dir.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertFalse(Files.exists(stale), out);
            assertTrue(Files.exists(held.resolve("cnc.dat")), "a live process holds it: " + out);
            assertTrue(Files.exists(young), "younger than a minute: " + out);
            assertTrue(Files.exists(other), "another user's: " + out);
            assertTrue(out.contains("removed " + stale) && out.contains("1 stale directory") && out.contains("2 kept"), out);
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }
}
