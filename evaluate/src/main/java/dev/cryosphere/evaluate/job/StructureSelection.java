package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Which particles get their structure written ({@code --structures}): {@code all}, {@code every=N} (particle indices
 * divisible by N) or {@code indices=FILE} (one particle index per line; a non-numeric first line is a header).
 */
public final class StructureSelection implements Serializable {
    private final int every;
    private final long[] indices;

    private StructureSelection(int every, long[] indices) {
        this.every = every;
        this.indices = indices;
    }

    public static StructureSelection none() { return new StructureSelection(0, null); }

    public static StructureSelection parse(String text) {
        if (text == null) return none();
        String t = text.trim();
        if (t.equals("all")) return new StructureSelection(1, null);
        try {
            if (t.startsWith("every=")) {
                int n = Integer.parseInt(t.substring(6));
                if (n < 1) throw new NumberFormatException();
                return new StructureSelection(n, null);
            }
        } catch (NumberFormatException e) {
            throw new InputException(null, "--structures '" + text + "'", "every=N needs a positive integer N");
        }
        if (t.startsWith("indices=")) return new StructureSelection(0, readIndices(Path.of(t.substring(8))));
        throw new InputException(null, "--structures '" + text + "'", "expected all, every=N or indices=FILE");
    }

    private static long[] readIndices(Path file) {
        try {
            var lines = Files.readAllLines(file).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
            long[] out = new long[lines.size()];
            int n = 0;
            for (int i = 0; i < lines.size(); i++) {
                String s = lines.get(i).split(",")[0].trim();
                try {
                    out[n++] = Long.parseLong(s);
                } catch (NumberFormatException e) {
                    if (i == 0) { n--; continue; }
                    throw new InputException(file, "line " + (i + 1), "not a particle index: '" + s + "'");
                }
            }
            long[] idx = Arrays.copyOf(out, n);
            Arrays.sort(idx);
            return idx;
        } catch (IOException e) {
            throw new InputException(file, null, "cannot read the particle indices: " + e.getMessage(), e);
        }
    }

    public boolean any() { return every > 0 || indices != null; }

    public boolean contains(long particleIndex) {
        if (every > 0) return particleIndex % every == 0;
        return indices != null && Arrays.binarySearch(indices, particleIndex) >= 0;
    }
}
