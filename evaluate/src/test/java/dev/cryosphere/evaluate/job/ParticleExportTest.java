package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.NpyStructuredArray;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParticleExportTest {
    @TempDir
    Path dir;

    @Test
    void csSubsetKeepsTheChosenRecordsUnchanged() throws Exception {
        Path cs;
        try (Stream<Path> s = Files.walk(SharedData.root().resolve("particles"))) {
            cs = s.filter(p -> p.toString().endsWith(".cs")).findFirst().orElseThrow();
        }
        NpyStructuredArray in = NpyStructuredArray.read(cs);
        long[] rows = {0, in.size() - 1};
        Path out = dir.resolve("sub.cs");
        ParticleExport.copyCsRows(cs, out, rows);
        NpyStructuredArray sub = NpyStructuredArray.read(out);
        assertEquals(2, sub.size());
        for (int i = 0; i < rows.length; i++)
            for (NpyStructuredArray.Field f : in.fields())
                if (f.kind() == 'f' || f.kind() == 'i' || f.kind() == 'u')
                    assertEquals(in.number(rows[i], f.name()), sub.number(i, f.name()), 0, f.name());
    }
}
