package dev.cryosphere.core.format;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for the Python literals of a .npy header ({@code {'descr': [...], 'fortran_order': False, 'shape': (n,)}}):
 * dicts become {@link Map}, lists and tuples {@link List}, strings {@link String}, integers {@link Long},
 * True/False {@link Boolean}, None null.
 */
final class PyLiteral {
    static final class SyntaxError extends Exception {
        SyntaxError(String message) { super(message); }
    }

    private final String s;
    private int i;

    private PyLiteral(String s) { this.s = s; }

    static Object parse(String text) throws SyntaxError {
        PyLiteral p = new PyLiteral(text);
        Object v = p.value();
        p.skipSpace();
        if (p.i != p.s.length()) throw p.error("unexpected text after the value");
        return v;
    }

    private Object value() throws SyntaxError {
        skipSpace();
        if (i >= s.length()) throw error("unexpected end");
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> dict();
            case '[' -> sequence(']');
            case '(' -> sequence(')');
            case '\'', '"' -> string();
            default -> Character.isDigit(c) || c == '-' || c == '+' ? integer() : word();
        };
    }

    private Map<String, Object> dict() throws SyntaxError {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        while (true) {
            skipSpace();
            if (peek('}')) { i++; return m; }
            Object key = value();
            if (!(key instanceof String k)) throw error("dict key is not a string");
            skipSpace();
            expect(':');
            m.put(k, value());
            skipSpace();
            if (peek(',')) i++;
            else if (!peek('}')) throw error("expected ',' or '}'");
        }
    }

    private List<Object> sequence(char close) throws SyntaxError {
        List<Object> list = new ArrayList<>();
        i++;
        while (true) {
            skipSpace();
            if (peek(close)) { i++; return list; }
            list.add(value());
            skipSpace();
            if (peek(',')) i++;
            else if (!peek(close)) throw error("expected ',' or '" + close + "'");
        }
    }

    private String string() throws SyntaxError {
        char quote = s.charAt(i++);
        StringBuilder b = new StringBuilder();
        while (i < s.length() && s.charAt(i) != quote) {
            char c = s.charAt(i++);
            if (c == '\\' && i < s.length()) {
                char e = s.charAt(i++);
                b.append(switch (e) { case 'n' -> '\n'; case 't' -> '\t'; default -> e; });
            } else b.append(c);
        }
        if (i >= s.length()) throw error("unterminated string");
        i++;
        return b.toString();
    }

    private Long integer() throws SyntaxError {
        int start = i;
        if (s.charAt(i) == '-' || s.charAt(i) == '+') i++;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i < s.length() && s.charAt(i) == 'L') i++; // Python 2 longs in old headers
        try {
            return Long.parseLong(s.substring(start, i).replace("L", ""));
        } catch (NumberFormatException e) {
            throw error("bad integer '" + s.substring(start, i) + "'");
        }
    }

    private Object word() throws SyntaxError {
        int start = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) i++;
        String w = s.substring(start, i);
        return switch (w) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            default -> throw error("unexpected '" + (w.isEmpty() ? String.valueOf(s.charAt(start)) : w) + "'");
        };
    }

    private void skipSpace() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }

    private boolean peek(char c) { return i < s.length() && s.charAt(i) == c; }

    private void expect(char c) throws SyntaxError {
        if (!peek(c)) throw error("expected '" + c + "'");
        i++;
    }

    private SyntaxError error(String problem) { return new SyntaxError(problem + " at character " + i); }
}
