package dev.cryosphere.core.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The numeric CSV oracles of shared/data (header line, then comma-separated numbers). */
record OracleCsv(List<String> columns, double[][] rows) {

    static OracleCsv read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
            List<String> columns = Arrays.asList(lines.get(0).trim().split(","));
            double[][] rows = lines.subList(1, lines.size()).stream()
                    .map(l -> Arrays.stream(l.trim().split(",")).mapToDouble(Double::parseDouble).toArray())
                    .toArray(double[][]::new);
            return new OracleCsv(columns, rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    double get(int row, String column) {
        int c = columns.indexOf(column);
        if (c < 0) throw new IllegalArgumentException("no column " + column + " in " + columns);
        return rows[row][c];
    }

    int size() { return rows.length; }
}
