package dev.cryosphere.evaluate.job;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Small CSV writer: a header and rows of cells; doubles written round-trip exact (Double.toString), NaN as empty. */
final class Csv implements AutoCloseable {
    private final BufferedWriter w;

    Csv(Path file, List<String> header) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            w = Files.newBufferedWriter(file);
            w.write(String.join(",", header));
            w.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void row(Object... cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(cell(cells[i]));
        }
        try {
            w.write(sb.toString());
            w.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String cell(Object o) {
        if (o instanceof Double d) return Double.isFinite(d) ? Double.toString(d) : "";
        if (o instanceof double[] a) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < a.length; i++) sb.append(i > 0 ? "," : "").append(cell(a[i]));
            return sb.toString();
        }
        String s = String.valueOf(o);
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static List<String> numbered(String prefix, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> String.format(Locale.ROOT, "%s%d", prefix, i)).toList();
    }

    @Override
    public void close() {
        try {
            w.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
