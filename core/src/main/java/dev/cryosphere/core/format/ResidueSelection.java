package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Residue selections written as {@code CHAIN:FROM-TO}, {@code CHAIN:N} or {@code CHAIN} (whole chain), several
 * joined by '+', e.g. {@code A:122-159+B:1-20}. Residue numbers are the file's author numbers (inclusive ranges).
 * A blank chain id is written as '_'.
 */
public final class ResidueSelection {
    private static final Pattern PART = Pattern.compile("([A-Za-z0-9_]{1,4})(?::(-?\\d+)(?:-(-?\\d+))?)?");

    private record Part(String chain, int from, int to) {}

    private final String text;
    private final List<Part> parts;

    private ResidueSelection(String text, List<Part> parts) {
        this.text = text;
        this.parts = parts;
    }

    public static ResidueSelection parse(String text) {
        if (text == null || text.isBlank()) throw new InputException(null, "selection", "empty residue selection");
        List<Part> parts = new ArrayList<>();
        for (String p : text.trim().split("\\+")) {
            Matcher m = PART.matcher(p.trim());
            if (!m.matches())
                throw new InputException(null, "selection '" + text + "'",
                        "cannot parse '" + p + "'; expected CHAIN:FROM-TO, CHAIN:N or CHAIN (e.g. A:122-159)");
            String chain = m.group(1).equals("_") ? " " : m.group(1);
            int from = m.group(2) == null ? Integer.MIN_VALUE : Integer.parseInt(m.group(2));
            int to = m.group(3) != null ? Integer.parseInt(m.group(3)) : m.group(2) == null ? Integer.MAX_VALUE : from;
            if (to < from) throw new InputException(null, "selection '" + text + "'", "empty range " + p);
            parts.add(new Part(chain, from, to));
        }
        return new ResidueSelection(text.trim(), parts);
    }

    /** Indices of the selected residues in {@code model}, in model order; an error if the selection matches none. */
    public int[] indices(AtomicModel model) {
        Set<Integer> out = new LinkedHashSet<>();
        for (Part p : parts) {
            int[] idx = model.residueRange(p.chain(), p.from(), p.to());
            // a blank chain id reads back as " " from PDB and "" from some mmCIF writers
            if (idx.length == 0 && p.chain().equals(" ")) idx = model.residueRange("", p.from(), p.to());
            if (idx.length == 0)
                throw new InputException(null, "selection '" + text + "'",
                        "no residue of the structure matches " + describe(p));
            for (int i : idx) out.add(i);
        }
        return out.stream().sorted().mapToInt(Integer::intValue).toArray();
    }

    /** The index of the single residue this selection names (e.g. "A:121"). */
    public int single(AtomicModel model) {
        int[] idx = indices(model);
        if (idx.length != 1)
            throw new InputException(null, "selection '" + text + "'", "must name exactly one residue, matches " + idx.length);
        return idx[0];
    }

    private static String describe(Part p) {
        String c = p.chain().isBlank() ? "_" : p.chain();
        if (p.from() == Integer.MIN_VALUE) return "chain " + c;
        return p.from() == p.to() ? c + ":" + p.from() : c + ":" + p.from() + "-" + p.to();
    }

    @Override
    public String toString() { return text; }
}
