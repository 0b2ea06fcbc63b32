package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.util.InputException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which particles get their structure written ({@code --structures}): {@code all}, {@code every=N} (particle indices
 * divisible by N) or {@code indices=FILE} (a CSV file whose first column holds one particle index per row, as
 * benchmark's labels.csv and particles.txt; a non-numeric first row is a header).
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

    /**
     * The first column of a CSV file (Apache Commons CSV, RFC 4180: a quoted first value may hold commas), empty lines
     * skipped; a first row that is not a number is a header.
     */
    private static long[] readIndices(Path file) {
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).setTrim(true).build();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(in, format)) {
            List<Long> out = new ArrayList<>();
            long previousEnd = 0;
            boolean first = true;
            for (CSVRecord r : p) {
                long line = CsvTable.startLine(p, r, previousEnd);
                previousEnd = p.getCurrentLineNumber();
                if (r.size() == 1 && r.get(0).isEmpty()) continue;   // a line of blanks
                String s = r.get(0);
                try {
                    out.add(Long.parseLong(s));
                } catch (NumberFormatException e) {
                    if (!first) throw new InputException(file, "line " + line, "not a particle index: '" + s + "'");
                }
                first = false;
            }
            long[] idx = out.stream().mapToLong(Long::longValue).toArray();
            Arrays.sort(idx);
            return idx;
        } catch (UncheckedIOException e) {
            throw new InputException(file, null, "not a readable CSV file: " + e.getCause().getMessage(), e);
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
