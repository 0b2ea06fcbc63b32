package dev.cryosphere.evaluate.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ChimeraXMorphScriptTest {
    @Test
    void opensTheStructuresInOrderAndMorphsThem() {
        String s = ChimeraXMorphScript.text("traversal_pc1.cxc", "PC1", List.of("traversals/pc1_00.pdb", "traversals/pc1_01.pdb", "traversals/pc1_02.pdb"));
        List<String> commands = s.lines().filter(l -> !l.startsWith("#")).toList();
        assertEquals(List.of("open traversals/pc1_00.pdb traversals/pc1_01.pdb traversals/pc1_02.pdb", "morph #1-3 frames 20",
                "hide #1-3 models", "view"), commands);
        assertTrue(s.contains("chimerax traversal_pc1.cxc"));
        assertThrows(IllegalArgumentException.class, () -> ChimeraXMorphScript.text("x.cxc", "t", List.of("a.pdb")));
    }

    @Test
    void aPathWithSpacesIsQuoted() {
        assertTrue(ChimeraXMorphScript.text("x.cxc", "t", List.of("my dir/a.pdb", "b.pdb")).contains("open \"my dir/a.pdb\" b.pdb"));
    }
}
