package dev.cryosphere.core.format;

import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Outputs written beside their target and renamed (MRC, STAR, PDB) get the permissions of any new file in that folder,
 * i.e. the user's umask, not the 0600 of {@code Files.createTempFile} (issue 15: simulate/volume/render outputs were
 * unreadable to the group).
 */
class OutputPermissionsTest {
    @TempDir
    Path dir;

    @Test
    void writtenFilesFollowTheUmask() throws Exception {
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(Files.createFile(dir.resolve("plain")));

        Path mrc = dir.resolve("stack.mrcs");
        try (MrcStackWriter w = MrcStackWriter.open(mrc, 4, 4, 1.0)) {
            w.append(new float[16]);
        }
        AtomicModel model = AtomicModel.read(SharedData.structures("adk_open_std.pdb"));
        Path pdb = dir.resolve("model.pdb");
        model.writePdb(pdb);
        Path star = dir.resolve("particles.star");
        ParticleSet set = ParticleSet.read(SharedData.particles("cryodrgn/empiar_10076_7/empiar_10076_7.star"));
        StarWriter.writeRelion31(star, set.particles(), set.opticsGroups());

        for (Path p : List.of(mrc, pdb, star)) assertEquals(expected, Files.getPosixFilePermissions(p), p.toString());
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".")).toList(), "no temporary files left");
        }
    }
}
