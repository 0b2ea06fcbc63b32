package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.util.ArrayList;
import java.util.List;

/** Splits one STAR line into values: whitespace separated, '#' starts a comment, ' or " quote a value. */
final class StarTokens {
    private StarTokens() {}

    static List<String> split(String line, Object source, int lineNo) {
        List<String> tokens = new ArrayList<>();
        int i = 0, n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) { i++; continue; }
            if (c == '#') break;
            if (c == '\'' || c == '"') {
                // STAR: a quote only closes the value when followed by whitespace or the end of the line
                int end = i + 1;
                while (end < n && !(line.charAt(end) == c && (end + 1 == n || Character.isWhitespace(line.charAt(end + 1)))))
                    end++;
                if (end >= n) throw new InputException(source, "line " + lineNo, "unterminated quoted value");
                tokens.add(line.substring(i + 1, end));
                i = end + 1;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(line.charAt(end))) end++;
                tokens.add(line.substring(i, end));
                i = end;
            }
        }
        return tokens;
    }
}
