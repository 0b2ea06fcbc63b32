package dev.cryosphere.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Debian's RELION 3.1 and gemmi (python3-gemmi under /usr/bin/python3) as test oracles. Tests that need them call
 * {@link #assumeAvailable()}, which skips with a message where they are not installed (.ci/run installs them).
 */
public final class RelionTools {
    private RelionTools() {}

    public static final Path PYTHON = Paths.get("/usr/bin/python3");

    public static boolean relion() {
        return Files.isExecutable(Paths.get("/usr/bin/relion_project"))
                && Files.isExecutable(Paths.get("/usr/bin/relion_reconstruct"));
    }

    public static boolean gemmi() {
        try {
            return Files.isExecutable(PYTHON) && new ProcessBuilder(PYTHON.toString(), "-c", "import gemmi, numpy")
                    .redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static void assumeAvailable() {
        Assumptions.assumeTrue(relion(), "RELION (relion_project, relion_reconstruct) not installed: apt-get install relion");
        Assumptions.assumeTrue(gemmi(), "gemmi not importable by /usr/bin/python3: apt-get install python3-gemmi");
    }

    /** Runs a command in {@code dir}; its output on failure. */
    public static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0)
                throw new AssertionError(String.join(" ", command) + " failed (" + p.exitValue() + "):\n" + text);
            return text;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A map of {@code pdb} on BOX³ voxels of APIX Å (gemmi + relion_image_handler, see gemmi_map.py). */
    public static Path map(Path dir, Path pdb, String name, int box, double apix) throws IOException {
        return map(dir, pdb, name, box, apix, null);
    }

    /** The same with {@code centre}'s all-atom centroid (not {@code pdb}'s) at the box centre. */
    public static Path map(Path dir, Path pdb, String name, int box, double apix, Path centre) throws IOException {
        Path script = dir.resolve("gemmi_map.py");
        if (!Files.exists(script))
            try (InputStream in = RelionTools.class.getResourceAsStream("/relion/gemmi_map.py")) {
                Files.copy(in, script);
            }
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), pdb.toString(), name,
                Integer.toString(box), Double.toString(apix)));
        if (centre != null) cmd.add(centre.toString());
        run(dir, cmd.toArray(String[]::new));
        return dir.resolve(name);
    }

    /** The particle rows of shared poses_ctf.star (20 rows: rot tilt psi originX originY dU dV angle phase B group). */
    public static List<String> poseRows() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.oracle1ztu("poses_ctf.star"));
        int at = lines.indexOf("_rlnOpticsGroup #11");
        List<String> rows = new ArrayList<>();
        for (String l : lines.subList(at + 1, lines.size())) if (!l.isBlank()) rows.add(l.trim());
        return rows;
    }

    public static final String POSE_COLUMNS = """
            _rlnAngleRot #1
            _rlnAngleTilt #2
            _rlnAnglePsi #3
            _rlnOriginXAngst #4
            _rlnOriginYAngst #5
            _rlnDefocusU #6
            _rlnDefocusV #7
            _rlnDefocusAngle #8
            _rlnPhaseShift #9
            _rlnCtfBfactor #10
            _rlnOpticsGroup #11
            """;

    public static String optics(double[] apix, int[] box) {
        StringBuilder s = new StringBuilder("""
                # version 30001

                data_optics

                loop_
                _rlnOpticsGroup #1
                _rlnOpticsGroupName #2
                _rlnVoltage #3
                _rlnSphericalAberration #4
                _rlnAmplitudeContrast #5
                _rlnImagePixelSize #6
                _rlnImageSize #7
                _rlnImageDimensionality #8
                """);
        for (int g = 0; g < apix.length; g++)
            s.append(g + 1).append(" opticsGroup").append(g + 1).append(" 300.0 2.7 0.07 ").append(apix[g]).append(' ')
                    .append(box[g]).append(" 2\n");
        return s.append("\n").toString();
    }
}
