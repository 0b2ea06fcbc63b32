package dev.cryosphere.core.format;

import dev.cryosphere.core.testing.SharedData;
import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ResidueSelectionTest {
    @Test
    void selectsRangesChainsAndSingleResidues() {
        AtomicModel m = AtomicModel.read(SharedData.structures("cryosphere_base_structure_flex_centered.pdb"));
        assertEquals(183, ResidueSelection.parse("A:321-503").indices(m).length);
        assertEquals(503, ResidueSelection.parse("B").indices(m).length);
        assertEquals(183 + 10, ResidueSelection.parse("A:321-503+B:1-10").indices(m).length);
        int i = ResidueSelection.parse("B:5").single(m);
        assertEquals("B", m.chain(i));
        assertEquals(5, m.residueNumber(i));
    }

    @Test
    void badSelectionsSayWhatIsWrong() {
        AtomicModel m = AtomicModel.read(SharedData.structures("1ztu.pdb"));
        InputException e = assertThrows(InputException.class, () -> ResidueSelection.parse("A:12-x"));
        assertTrue(e.getMessage().contains("A:12-x"), e.getMessage());
        e = assertThrows(InputException.class, () -> ResidueSelection.parse("Z:1-5").indices(m));
        assertTrue(e.getMessage().contains("Z:1-5"), e.getMessage());
        assertThrows(InputException.class, () -> ResidueSelection.parse("A:9-3"));
        assertThrows(InputException.class, () -> ResidueSelection.parse("A:1-20").single(m));
    }
}
