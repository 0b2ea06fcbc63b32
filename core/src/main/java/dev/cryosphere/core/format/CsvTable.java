package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file with a header row (the tables this project writes and reads: metrics.csv, latents.csv, ground_truth.csv,
 * ...), parsed by Apache Commons CSV as RFC 4180 says: a quoted field may hold commas, quotes and line breaks. Empty
 * lines are skipped. Problems are one {@link InputException} naming the file, the line and the column.
 */
public final class CsvTable {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
            .setIgnoreEmptyLines(true).setTrim(true)
            .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW).build();

    private final Path file;
    private final List<String> header;
    private final List<CSVRecord> rows;
    private final List<Long> lines;

    private CsvTable(Path file, List<String> header, List<CSVRecord> rows, List<Long> lines) {
        this.file = file;
        this.header = header;
        this.rows = rows;
        this.lines = lines;
    }

    /** The writer of the same format: RFC 4180 quoting where a value needs it, "\n" line ends. */
    public static CSVPrinter printer(Appendable out) throws IOException {
        return new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator("\n").build());
    }

    /**
     * The 1-based line that record {@code r}, just read by {@code p}, starts on, given the line the previous record
     * ended on ({@code previousEnd}; 0 before the first): the parser counts the line ends it has read, so the record
     * ends on that line, less the line breaks inside its quoted values; skipped empty lines lie before it.
     */
    public static long startLine(CSVParser p, CSVRecord r, long previousEnd) {
        long breaks = 0;
        for (String v : r) breaks += v.chars().filter(c -> c == '\n').count();
        return Math.max(previousEnd + 1, p.getCurrentLineNumber() - breaks);
    }

    public static CsvTable read(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(in, FORMAT)) {
            List<CSVRecord> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            long previousEnd = p.getCurrentLineNumber();
            for (CSVRecord r : p) {
                rows.add(r);
                lines.add(startLine(p, r, previousEnd));
                previousEnd = p.getCurrentLineNumber();
            }
            return new CsvTable(file, List.copyOf(p.getHeaderNames()), rows, lines);
        } catch (UncheckedIOException e) {
            throw new InputException(file, null, "not a readable CSV table: " + e.getCause().getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InputException(file, "header", "not a CSV table with one header row: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new InputException(file, null, "cannot read: " + e.getMessage(), e);
        }
    }

    public Path file() { return file; }

    public List<String> header() { return header; }

    /** Data rows (the header excluded). */
    public int size() { return rows.size(); }

    public boolean has(String column) { return header.contains(column); }

    /** The 1-based line of the file that data row {@code row} starts on. */
    public long line(int row) { return lines.get(row); }

    /** The column's index; an error naming the file when it has no such column. */
    public int column(String name) {
        int i = header.indexOf(name);
        if (i < 0) throw new InputException(file, "header", "no column " + name);
        return i;
    }

    /** The cell as written (trimmed); empty for a row shorter than the header. */
    public String text(int row, int column) {
        CSVRecord r = rows.get(row);
        return column < r.size() ? r.get(column) : "";
    }

    public String text(int row, String column) { return text(row, column(column)); }

    /** The cell as a number: empty or "nan" is NaN (how our tables write a missing value); else it must parse. */
    public double number(int row, int column) {
        String s = text(row, column);
        if (s.isEmpty() || s.equalsIgnoreCase("nan")) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new InputException(file, "line " + line(row) + ", column " + header.get(column), "not a number: '" + s + "'");
        }
    }

    public double number(int row, String column) { return number(row, column(column)); }

    /** The cell as a whole number (particle indices, conformation numbers). */
    public long integer(int row, String column) {
        String s = text(row, column);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new InputException(file, "line " + line(row) + ", column " + column, "not a whole number: '" + s + "'");
        }
    }

    /** A whole column as numbers, in row order. */
    public double[] numbers(String column) {
        int c = column(column);
        double[] v = new double[rows.size()];
        for (int r = 0; r < v.length; r++) v[r] = number(r, c);
        return v;
    }
}
