package dev.cryosphere.core.util;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InputExceptionTest {
    @Test
    void messageNamesFileAndLocation() {
        InputException e = new InputException(Path.of("a/b.star"), "row 5, column rlnDefocusU", "not a number: 'x'");
        assertEquals("a/b.star, row 5, column rlnDefocusU: not a number: 'x'", e.getMessage());
        assertEquals("a/b.star: empty", new InputException("a/b.star", null, "empty").getMessage());
    }
}
