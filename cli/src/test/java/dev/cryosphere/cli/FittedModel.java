package dev.cryosphere.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A model "fitted into a consensus map": a box-frame PDB moved by the same shift on each axis, as text. */
final class FittedModel {
    private FittedModel() {}

    /** {@code base}'s atom coordinates (PDB columns 31-54) plus {@code shift} Å on x, y and z, written to {@code out}. */
    static Path moved(Path base, double shift, Path out) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(base)) {
            if (l.startsWith("ATOM") || l.startsWith("HETATM")) {
                StringBuilder b = new StringBuilder(l.substring(0, 30));
                for (int k = 0; k < 3; k++)
                    b.append(String.format(Locale.ROOT, "%8.3f", Double.parseDouble(l.substring(30 + 8 * k, 38 + 8 * k).trim()) + shift));
                l = b.append(l.substring(54)).toString();
            }
            lines.add(l);
        }
        return Files.write(out, lines);
    }
}
