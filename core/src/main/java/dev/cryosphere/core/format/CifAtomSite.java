package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code _atom_site} loop of an mmCIF file as lines of text: its column names and each row with its line number.
 * BioJava's parser keeps no line numbers, so damage it would report as an exception (a row cut short, a coordinate
 * that is not a number) is found here first and named by line. Rows are read one per line, as the PDB and every common
 * writer lays them out; a loop laid out otherwise is left to the parser.
 *
 * @param columns the loop's column names without the {@code _atom_site.} prefix; empty when there is no such loop
 * @param rows    the loop's rows in file order
 */
record CifAtomSite(List<String> columns, List<Row> rows) {

    /** One row: its 1-based line number and its values (CIF tokens, quotes removed). */
    record Row(int line, List<String> values) {}

    /** Fields that must be numbers in every row; occupancy and B-factor may be unknown ({@code ?} or {@code .}). */
    private static final List<String> COORDINATES = List.of("Cartn_x", "Cartn_y", "Cartn_z");
    private static final List<String> OPTIONAL_NUMBERS = List.of("occupancy", "B_iso_or_equiv");

    static CifAtomSite read(Path file) throws IOException {
        List<String> columns = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(AtomicModelReader.open(file), StandardCharsets.UTF_8))) {
            int lineNo = 0;
            boolean inLoop = false, inHeader = false;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                String t = line.strip();
                if (t.equals("loop_")) {
                    if (!rows.isEmpty()) break;
                    inLoop = true;
                    inHeader = false;
                    columns.clear();
                    continue;
                }
                if (inLoop && rows.isEmpty() && t.startsWith("_atom_site.")) {
                    inHeader = true;
                    columns.add(t.substring("_atom_site.".length()).split("\\s+")[0]);
                    continue;
                }
                if (!inHeader) {
                    inLoop = inLoop && (t.isEmpty() || t.startsWith("_"));
                    continue;
                }
                if (t.isEmpty()) continue;
                if (t.startsWith("#") || t.startsWith("_") || t.startsWith("data_") || t.startsWith("loop_")) break;
                rows.add(new Row(lineNo, StarTokens.split(line, file, lineNo)));
            }
        }
        if (rows.isEmpty()) columns.clear();
        return new CifAtomSite(List.copyOf(columns), rows);
    }

    /** Whether the first row fills one line (the layout {@link #requireWellFormed} and line numbers rely on). */
    boolean oneRowPerLine() { return !rows.isEmpty() && rows.get(0).values().size() == columns.size(); }

    String value(Row row, String column, String fallback) {
        int i = columns.indexOf(column);
        return i < 0 ? fallback : row.values().get(i);
    }

    /**
     * Every row has one value per column, coordinates are finite numbers, occupancy and B-factor are numbers or
     * unknown, and every atom names its element ({@code type_symbol}): electron counts need it, and a parser left to
     * guess from atom names gets e.g. CA (calcium) wrong.
     */
    void requireWellFormed(Path file) {
        if (!oneRowPerLine()) return;
        for (String c : COORDINATES)
            if (!columns.contains(c))
                throw new InputException(file, "line " + (rows.get(0).line() - 1), "the _atom_site loop has no " + c + " column");
        if (!columns.contains("type_symbol"))
            throw new InputException(file, "line " + (rows.get(0).line() - 1), "the _atom_site loop has no type_symbol "
                    + "column; residue electron counts need each atom's element");
        for (Row r : rows) {
            if (r.values().size() != columns.size())
                throw new InputException(file, "line " + r.line(), "an _atom_site row has " + r.values().size()
                        + " values, the loop declares " + columns.size() + " columns");
            for (String c : COORDINATES) requireNumber(file, r, c, false);
            for (String c : OPTIONAL_NUMBERS) if (columns.contains(c)) requireNumber(file, r, c, true);
            String element = value(r, "type_symbol", "?");
            if (element.equals("?") || element.equals("."))
                throw new InputException(file, "line " + r.line(), "atom without element symbol (_atom_site.type_symbol is '"
                        + element + "'); residue electron counts need it");
        }
    }

    private void requireNumber(Path file, Row r, String column, boolean unknownAllowed) {
        String v = value(r, column, "");
        if (unknownAllowed && (v.equals("?") || v.equals("."))) return;
        try {
            // a CIF number may carry its standard uncertainty in brackets: 12.345(3)
            if (Double.isFinite(Double.parseDouble(v.replaceFirst("\\(\\d+\\)$", "")))) return;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InputException(file, "line " + r.line(), "_atom_site." + column + " is not a number: '" + v + "'");
    }
}
