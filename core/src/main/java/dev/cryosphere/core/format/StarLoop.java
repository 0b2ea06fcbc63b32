package dev.cryosphere.core.format;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code loop_} table of a STAR block. Column names are stored without the leading underscore
 * (e.g. "rlnImageName"); each row remembers its line in the file so that errors can point at it.
 */
public final class StarLoop {
    private final List<String> columns = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String[]> rows = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();

    void addColumn(String name) {
        index.putIfAbsent(name, columns.size());
        columns.add(name);
    }

    void addRow(String[] values, int line) {
        rows.add(values);
        lines.add(line);
    }

    public List<String> columns() { return Collections.unmodifiableList(columns); }

    public boolean has(String column) { return index.containsKey(column); }

    /** Position of the column, if present. */
    public Optional<Integer> column(String name) { return Optional.ofNullable(index.get(name)); }

    public int size() { return rows.size(); }

    /** Values of row {@code r} (0-based), in column order. */
    public String[] row(int r) { return rows.get(r).clone(); }

    public String value(int r, int column) { return rows.get(r)[column]; }

    /** 1-based line in the file where row {@code r} (0-based) starts. */
    public int line(int r) { return lines.get(r); }
}
