package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

/** Typed access to one row of a STAR loop, with errors that name the file, block, row and column. */
final class StarRow {
    private final Object source;
    private final String blockName;
    private final StarLoop loop;
    private final int row;

    StarRow(Object source, String blockName, StarLoop loop, int row) {
        this.source = source;
        this.blockName = blockName;
        this.loop = loop;
        this.row = row;
    }

    /** "row 3 (line 27) of data_particles", 1-based row as a user counts. */
    String where() {
        return "row " + (row + 1) + " (line " + loop.line(row) + ") of data_" + blockName;
    }

    String where(String column) { return where() + ", column " + column; }

    boolean has(String column) { return loop.has(column); }

    String text(String column) {
        return loop.value(row, loop.column(column).orElseThrow(() -> missing(column)));
    }

    double number(String column) {
        return parse(text(column), column);
    }

    double numberOr(String column, double fallback) {
        return loop.has(column) ? number(column) : fallback;
    }

    int integer(String column) {
        double v = number(column);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE)
            throw new InputException(source, where(column), "'" + text(column) + "' is not an integer");
        return (int) v;
    }

    private InputException missing(String column) {
        return new InputException(source, "data_" + blockName, "missing required column _" + column);
    }

    private double parse(String s, String column) {
        if (!Numbers.isDecimal(s))
            throw new InputException(source, where(column), "'" + s + "' is not a number");
        return Double.parseDouble(s);
    }
}
