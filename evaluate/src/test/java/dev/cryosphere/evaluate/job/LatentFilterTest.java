package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class LatentFilterTest {
    @TempDir
    Path dir;

    @Test
    void selectsOnLatentsJoinedWithClusters() throws Exception {
        Files.writeString(dir.resolve("latents.csv"), "particle_index,image_name,z0,z1\n0,\"1@a,b.mrcs\",0.1,2\n1,2@a.mrcs,0.9,-1\n2,3@a.mrcs,0.7,5\n");
        Files.writeString(dir.resolve("clusters.csv"), "particle_index,cluster,pc1\n0,1,0.5\n1,0,-0.2\n2,1,3\n");
        assertArrayEquals(new long[]{2}, LatentFilter.parse("cluster == 1 and z0 > 0.5").select(dir.resolve("latents.csv")));
        assertArrayEquals(new long[]{0, 2}, LatentFilter.parse("z1>=2").select(dir.resolve("latents.csv")));
        InputException e = assertThrows(InputException.class, () -> LatentFilter.parse("z9 > 1").select(dir.resolve("latents.csv")));
        assertTrue(e.getMessage().contains("no column 'z9'"));
        assertThrows(InputException.class, () -> LatentFilter.parse("z0 >> 1"));
        assertThrows(InputException.class, () -> LatentFilter.parse("z0 > 1 or z1 < 2"));
    }

    @Test
    void structureSelections() throws Exception {
        assertTrue(StructureSelection.parse("all").contains(7));
        assertTrue(StructureSelection.parse("every=5").contains(10));
        assertFalse(StructureSelection.parse("every=5").contains(11));
        Files.writeString(dir.resolve("idx.csv"), "particle_index\n9\n3\n");
        StructureSelection s = StructureSelection.parse("indices=" + dir.resolve("idx.csv"));
        assertTrue(s.contains(3) && s.contains(9) && !s.contains(4));
        assertFalse(StructureSelection.none().any());
        assertThrows(InputException.class, () -> StructureSelection.parse("some"));
    }
}
