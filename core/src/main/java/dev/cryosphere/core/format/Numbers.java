package dev.cryosphere.core.format;

import java.util.regex.Pattern;

/** Number syntax accepted in metadata: decimal with optional exponent. */
final class Numbers {
    private Numbers() {}

    // Double.parseDouble would also take "NaN", "Infinity", "0x1p3" and "1f"; none of them is a valid STAR number
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    static boolean isDecimal(String s) { return DECIMAL.matcher(s).matches(); }
}
