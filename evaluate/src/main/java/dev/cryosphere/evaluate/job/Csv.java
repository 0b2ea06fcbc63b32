package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.CsvTable;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluate's tables: a header and rows of cells, through {@link CsvTable#printer} (RFC 4180 quoting, "\n" line ends);
 * doubles written round-trip exact (Double.toString), NaN as empty; a double[] cell becomes one cell per value.
 */
final class Csv implements AutoCloseable {
    private final CSVPrinter out;

    Csv(Path file, List<String> header) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = CsvTable.printer(Files.newBufferedWriter(file));
            out.printRecord(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void row(Object... cells) {
        List<String> values = new ArrayList<>(cells.length);
        for (Object c : cells) {
            if (c instanceof double[] a) for (double d : a) values.add(number(d));
            else values.add(c instanceof Double d ? number(d) : String.valueOf(c));
        }
        try {
            out.printRecord(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String number(double d) { return Double.isFinite(d) ? Double.toString(d) : ""; }

    static List<String> numbered(String prefix, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> String.format(Locale.ROOT, "%s%d", prefix, i)).toList();
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
