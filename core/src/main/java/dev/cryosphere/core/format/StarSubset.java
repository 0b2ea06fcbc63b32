package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A subset of a RELION STAR file, as text: every block other than the particles' is copied verbatim (the optics table,
 * a {@code data_general} block, comments), the particles' loop keeps its header (every column, in order) and the chosen
 * rows with their values as written; only {@code rlnImageName} may be rewritten (image paths for another directory).
 * The particles' block is the loop with an {@code _rlnImageName} column; its data rows are numbered from 0 in file
 * order, as {@link RelionParticles} numbers particles.
 */
public final class StarSubset {
    private StarSubset() {}

    /**
     * Writes to {@code out} the rows {@code rows} (0-based, any order; written in file order) of {@code source}'s
     * particle table, with {@code rlnImageName} mapped by {@code imageName}.
     *
     * @return the number of data rows in the source's particle table
     */
    public static int write(Path source, Path out, long[] rows, UnaryOperator<String> imageName) {
        List<String> lines;
        try {
            lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException(source, null, "cannot read STAR file: " + e.getMessage(), e);
        }
        long[] sorted = rows.clone();
        Arrays.sort(sorted);
        StringBuilder sb = new StringBuilder(lines.size() * 16);
        int i = 0, total = -1;
        while (i < lines.size()) {
            String t = lines.get(i).trim();
            if (!t.equals("loop_")) {
                sb.append(lines.get(i++)).append('\n');
                continue;
            }
            // a loop: header lines, then rows until the next data_, loop_ or a line starting with '_'
            sb.append(lines.get(i++)).append('\n');
            List<String> columns = new ArrayList<>();
            while (i < lines.size() && (lines.get(i).trim().startsWith("_") || lines.get(i).isBlank() && columns.isEmpty())) {
                String h = lines.get(i).trim();
                if (!h.isEmpty()) columns.add(h.split("\\s+")[0]);
                sb.append(lines.get(i++)).append('\n');
            }
            int imageColumn = columns.indexOf("_rlnImageName");
            boolean particles = imageColumn >= 0 && total < 0;
            int k = 0, next = 0;
            while (i < lines.size()) {
                String line = lines.get(i), s = line.trim();
                if (s.startsWith("data_") || s.equals("loop_") || s.startsWith("_")) break;
                i++;
                if (!particles || s.isEmpty() || s.startsWith("#")) {
                    if (!particles || s.isEmpty()) sb.append(line).append('\n');
                    continue;
                }
                while (next < sorted.length && sorted[next] < k) next++;
                if (next < sorted.length && sorted[next] == k) {
                    List<String> tokens = tokens(line);
                    if (tokens.size() != columns.size())
                        throw new InputException(source, "line " + i, tokens.size() + " values for " + columns.size()
                                + " columns");
                    tokens.set(imageColumn, quoteIfNeeded(imageName.apply(unquote(tokens.get(imageColumn)))));
                    sb.append(String.join(" ", tokens)).append('\n');
                }
                k++;
            }
            if (particles) total = k;
        }
        if (total < 0) throw new InputException(source, "_rlnImageName", "no particle table (a loop with rlnImageName)");
        for (long r : sorted)
            if (r < 0 || r >= total) throw new InputException(source, "particle " + r, "not a row of the particle table ("
                    + total + " rows)");
        try {
            if (out.getParent() != null) Files.createDirectories(out.getParent());
            Files.writeString(out, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + out + ": " + e.getMessage(), e);
        }
        return total;
    }

    /** Values of a loop row, quotes kept. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        int n = line.length(), i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            if (i >= n) break;
            int start = i;
            char c = line.charAt(i);
            if (c == '"' || c == '\'') {
                i++;
                while (i < n && !(line.charAt(i) == c && (i + 1 == n || Character.isWhitespace(line.charAt(i + 1))))) i++;
                i = Math.min(n, i + 1);
            } else {
                while (i < n && !Character.isWhitespace(line.charAt(i))) i++;
            }
            out.add(line.substring(start, i));
        }
        return out;
    }

    static String unquote(String v) {
        return v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)
                ? v.substring(1, v.length() - 1) : v;
    }

    static String quoteIfNeeded(String v) {
        return v.chars().anyMatch(Character::isWhitespace) ? "\"" + v + "\"" : v;
    }

    /** Whether a metadata file is a STAR file (by extension). */
    public static boolean isStar(Path p) { return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".star"); }
}
