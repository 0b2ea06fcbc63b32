package dev.cryosphere.cli;

import dev.cryosphere.core.dataset.DatasetReader;
import dev.cryosphere.core.format.ParticleSet;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `cryosphere ingest` end to end through the command line: exit codes and the one-line error. */
class IngestCommandTest {
    @TempDir
    Path tmp;

    @Test
    void ingestsAndRefusesAnExistingOutWithExitCode2() {
        Path star = SharedData.particles("cryodrgn/relion31/relion31.star");
        Path out = tmp.resolve("ds");
        assertEquals(0, CryosphereCommand.execute("ingest", "--particles", star.toString(), "--out", out.toString(),
                "--master", "local[2]", "--invert"));
        var ds = DatasetReader.open(out);
        assertEquals(ParticleSet.read(star).size(), ds.count());
        assertTrue(ds.info().commandLine().startsWith("cryosphere ingest --particles"));

        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = CryosphereCommand.execute("ingest", "--particles", star.toString(), "--out", out.toString(),
                    "--master", "local[2]");
        } finally {
            System.setErr(saved);
        }
        assertEquals(2, rc);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("error: ") && text.contains("already exists"), text);
        assertFalse(text.contains("\tat "), "no stack trace for bad input: " + text);
        assertTrue(Files.exists(out));
    }

    @Test
    void missingStackIsExitCode2() throws Exception {
        Path star = tmp.resolve("p.star");
        Files.writeString(star, "data_optics\nloop_\n_rlnOpticsGroup\n_rlnImagePixelSize\n_rlnVoltage\n"
                + "_rlnSphericalAberration\n_rlnAmplitudeContrast\n1 1.5 300 2.7 0.1\n\ndata_particles\nloop_\n"
                + "_rlnImageName\n_rlnOpticsGroup\n_rlnDefocusU\n1@none.mrcs 1 15000\n");
        assertEquals(2, CryosphereCommand.execute("ingest", "--particles", star.toString(), "--out",
                tmp.resolve("o").toString(), "--master", "local[2]"));
        assertFalse(Files.exists(tmp.resolve("o")));
    }
}
