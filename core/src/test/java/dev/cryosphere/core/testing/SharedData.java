package dev.cryosphere.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Locates the oracle data in ../shared/data (set by Surefire as system property cryosphere.shared). */
public final class SharedData {
    private SharedData() {}

    public static Path root() {
        String p = System.getProperty("cryosphere.shared");
        Path root = p != null ? Paths.get(p) : Paths.get("..", "shared");
        Path data = root.resolve("data").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(data), "oracle data not found at " + data + " (clone the project beside shared/)");
        return data;
    }

    public static Path particles(String rel) { return existing(root().resolve("particles").resolve(rel)); }

    public static Path structures(String rel) { return existing(root().resolve("structures").resolve(rel)); }

    public static Path oracle1ztu(String file) { return particles("relion_oracle_1ztu/" + file); }

    private static Path existing(Path p) {
        assertTrue(Files.exists(p), "missing oracle file " + p);
        return p;
    }
}
