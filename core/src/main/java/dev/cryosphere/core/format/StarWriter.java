package dev.cryosphere.core.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes particle metadata as RELION STAR files. */
public final class StarWriter {
    private StarWriter() {}

    private static final List<String> OPTICS_COLUMNS = List.of("rlnOpticsGroup", "rlnOpticsGroupName",
            "rlnAmplitudeContrast", "rlnSphericalAberration", "rlnVoltage", "rlnImagePixelSize", "rlnImageSize",
            "rlnImageDimensionality");
    private static final List<String> PARTICLE_COLUMNS = List.of("rlnImageName", "rlnAngleRot", "rlnAngleTilt",
            "rlnAnglePsi", "rlnOriginXAngst", "rlnOriginYAngst", "rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle",
            "rlnPhaseShift", "rlnCtfBfactor", "rlnCtfScalefactor", "rlnOpticsGroup");

    /**
     * RELION 3.1 format: data_optics then data_particles. Image paths are written relative to {@code out}'s
     * directory so that the file can be moved together with its stacks. The file is written beside {@code out}
     * and renamed over it, so that a crash never leaves a half-written STAR file under the final name.
     *
     * @throws IllegalArgumentException if a particle refers to a group not in {@code groups}, or its pixel size or
     *                                  optics differ from its group's (they would be lost)
     */
    public static void writeRelion31(Path out, List<Particle> particles, List<OpticsGroup> groups) {
        Map<Integer, OpticsGroup> byNumber = new HashMap<>();
        for (OpticsGroup g : groups)
            if (byNumber.put(g.number(), g) != null) throw new IllegalArgumentException("optics group " + g.number() + " given twice");
        for (Particle p : particles) checkConsistent(p, byNumber.get(p.opticsGroup()));

        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = dev.cryosphere.core.util.AtomicOutput.siblingTempFile(target);
            try {
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    writeOptics(w, groups);
                    writeParticles(w, particles, dir);
                }
                moveIntoPlace(tmp, target);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    private static void checkConsistent(Particle p, OpticsGroup g) {
        if (g == null) throw new IllegalArgumentException("particle " + p.row() + " refers to missing optics group " + p.opticsGroup());
        if (p.pixelSize() != g.pixelSize() || p.ctf().voltage() != g.voltage() || p.ctf().cs() != g.cs()
                || p.ctf().ampContrast() != g.ampContrast())
            throw new IllegalArgumentException("particle " + p.row() + " has optics different from its group " + g.number());
    }

    private static void writeOptics(Writer w, List<OpticsGroup> groups) throws IOException {
        // RELION rejects an image size of -1; leaving the column out reads back as "unknown" (-1) here too
        boolean boxKnown = groups.stream().allMatch(g -> g.box() > 0);
        List<String> columns = new ArrayList<>(OPTICS_COLUMNS);
        if (!boxKnown) columns.remove("rlnImageSize");
        header(w, "optics", columns);
        for (OpticsGroup g : groups) {
            List<String> values = new ArrayList<>(List.of(Integer.toString(g.number()), quoted(g.name()),
                    num(g.ampContrast()), num(g.cs()), num(g.voltage()), num(g.pixelSize())));
            if (boxKnown) values.add(Integer.toString(g.box()));
            values.add("2");
            row(w, values.toArray(String[]::new));
        }
        w.write("\n");
    }

    private static void writeParticles(Writer w, List<Particle> particles, Path dir) throws IOException {
        header(w, "particles", PARTICLE_COLUMNS);
        for (Particle p : particles) {
            String image = String.format("%06d@%s", p.imageIndex() + 1, relative(dir, p.stack()));
            var c = p.ctf();
            row(w, quoted(image), num(p.rot()), num(p.tilt()), num(p.psi()), num(p.originXAngst()), num(p.originYAngst()),
                    num(c.defocusU()), num(c.defocusV()), num(c.defocusAngle()), num(c.phaseShift()), num(c.bFactor()),
                    num(c.scale()), Integer.toString(p.opticsGroup()));
        }
        w.write("\n");
    }

    private static void header(Writer w, String block, List<String> columns) throws IOException {
        w.write("\n# version 30001\n\ndata_" + block + "\n\nloop_\n");
        for (int i = 0; i < columns.size(); i++) w.write("_" + columns.get(i) + " #" + (i + 1) + "\n");
    }

    private static void row(Writer w, String... values) throws IOException {
        w.write(String.join(" ", values));
        w.write("\n");
    }

    private static String relative(Path dir, Path stack) {
        Path abs = stack.toAbsolutePath().normalize();
        try {
            return dir.normalize().relativize(abs).toString().replace('\\', '/');
        } catch (IllegalArgumentException differentRoots) {
            return abs.toString();
        }
    }

    /** Shortest decimal that reads back as the same double, so that a round trip is exact. */
    private static String num(double v) {
        boolean negativeZero = v == 0 && 1 / v < 0;
        if (v == Math.rint(v) && Math.abs(v) < 1e15 && !negativeZero) return Long.toString((long) v);
        return Double.toString(v);
    }

    private static String quoted(String s) {
        if (s.isEmpty() || s.chars().anyMatch(Character::isWhitespace) || s.startsWith("_") || s.startsWith("#")
                || s.startsWith("'") || s.startsWith("\"") || s.startsWith("data_") || s.equals("loop_"))
            return s.contains("\"") ? "'" + s + "'" : "\"" + s + "\"";
        return s;
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
