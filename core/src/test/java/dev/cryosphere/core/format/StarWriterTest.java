package dev.cryosphere.core.format;

import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StarWriterTest {
    @TempDir
    Path dir;

    /** Everything but imageName, which is rewritten relative to the new file. */
    private static Particle withoutName(Particle p) {
        return new Particle(p.row(), "", p.stack(), p.imageIndex(), p.opticsGroup(), p.rot(), p.tilt(), p.psi(),
                p.originXAngst(), p.originYAngst(), p.ctf(), p.pixelSize(), p.box());
    }

    private void assertRoundTrip(ParticleSet original, Path out) {
        StarWriter.writeRelion31(out, original.particles(), original.opticsGroups());
        ParticleSet back = ParticleSet.read(out, null);
        assertEquals(original.opticsGroups(), back.opticsGroups());
        assertEquals(original.particles().stream().map(StarWriterTest::withoutName).toList(),
                back.particles().stream().map(StarWriterTest::withoutName).toList());
    }

    @Test
    void relion31RoundTrip() throws IOException {
        ParticleSet original = ParticleSet.read(SharedData.particles("cryodrgn/relion31/relion31.star"));
        Path out = dir.resolve("sub/out.star");
        assertRoundTrip(original, out);
        String text = Files.readString(out);
        assertTrue(text.indexOf("data_optics") < text.indexOf("data_particles"));
        assertTrue(text.contains("000001@../"), "image path relative to the output directory");
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void relion5AndCryoSparcRoundTrip() {
        assertRoundTrip(ParticleSet.read(SharedData.particles("cryodrgn/relion5/relion5.star")), dir.resolve("r5.star"));
        assertRoundTrip(ParticleSet.read(SharedData.particles("cryodrgn/cryosparc/cryosparc_P12_J24_001_particles.cs")),
                dir.resolve("cs.star"));
    }

    @Test
    void relion30RoundTripWithPixelOrigins() {
        ParticleSet original = ParticleSet.read(SharedData.particles("cryodrgn/empiar_10076_7/empiar_10076_7.star"));
        assertRoundTrip(original, dir.resolve("e.star"));
        assertFalse(assertDoesNotThrow(() -> Files.readString(dir.resolve("e.star"))).contains("rlnImageSize"),
                "unknown box is left out rather than written as -1");
    }

    @Test
    void overwritesExistingFile() throws IOException {
        Path out = dir.resolve("x.star");
        Files.writeString(out, "old");
        ParticleSet original = ParticleSet.read(SharedData.particles("cryodrgn/relion31/relion31.star"));
        assertRoundTrip(original, out);
    }

    @Test
    void rejectsParticleWithUnknownGroup() {
        ParticleSet original = ParticleSet.read(SharedData.particles("cryodrgn/relion31/relion31.star"));
        assertThrows(IllegalArgumentException.class,
                () -> StarWriter.writeRelion31(dir.resolve("y.star"), original.particles(), List.of()));
    }
}
