package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.util.InputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `cryosphere select --where`: a conjunction of comparisons {@code COLUMN OP NUMBER} joined by "and" (or "&&"), OP one
 * of &lt; &lt;= &gt; &gt;= == !=, over the columns of latents.csv and, when it lies beside it, clusters.csv
 * (cluster, pc1…) — e.g. {@code "cluster == 3"}, {@code "z0 > 0.5 and pc2 <= -1"}. Deliberately not a general
 * expression language: selections must be readable in a methods section and checkable against the tables.
 */
public final class LatentFilter {
    private static final Pattern COND = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(<=|>=|==|!=|<|>)\\s*([-+0-9.eE]+)\\s*");

    private record Cond(String column, String op, double value) {
        boolean test(double v) {
            return switch (op) {
                case "<" -> v < value;
                case "<=" -> v <= value;
                case ">" -> v > value;
                case ">=" -> v >= value;
                case "==" -> v == value;
                default -> v != value;
            };
        }
    }

    private final List<Cond> conds;

    private LatentFilter(List<Cond> conds) {
        this.conds = conds;
    }

    public static LatentFilter parse(String where) {
        if (where == null || where.isBlank()) throw new InputException(null, "--where", "empty condition");
        List<Cond> conds = new ArrayList<>();
        for (String part : where.split("(?i)\\s+and\\s+|&&")) {
            Matcher m = COND.matcher(part);
            if (!m.matches())
                throw new InputException(null, "--where '" + where + "'",
                        "cannot parse '" + part.trim() + "'; expected COLUMN OP NUMBER joined by 'and' (e.g. cluster == 3 and z0 > 0.5)");
            try {
                conds.add(new Cond(m.group(1), m.group(2), Double.parseDouble(m.group(3))));
            } catch (NumberFormatException e) {
                throw new InputException(null, "--where '" + where + "'", "not a number: " + m.group(3));
            }
        }
        return new LatentFilter(conds);
    }

    /** Particle indices of latents.csv (joined with clusters.csv beside it) whose rows pass every condition. */
    public long[] select(Path latentsCsv) {
        Map<Long, Map<String, Double>> table = read(latentsCsv, new HashMap<>());
        Path clusters = latentsCsv.toAbsolutePath().resolveSibling("clusters.csv");
        if (Files.isRegularFile(clusters)) read(clusters, table);
        Map<String, Double> any = table.values().stream().findFirst().orElse(Map.of());
        for (Cond c : conds)
            if (!any.containsKey(c.column()))
                throw new InputException(latentsCsv, "--where", "no column '" + c.column() + "'; columns: " + new java.util.TreeSet<>(any.keySet()));
        return table.entrySet().stream()
                .filter(e -> conds.stream().allMatch(c -> c.test(e.getValue().get(c.column()))))
                .mapToLong(Map.Entry::getKey).sorted().toArray();
    }

    private static Map<Long, Map<String, Double>> read(Path csv, Map<Long, Map<String, Double>> into) {
        CsvTable t = CsvTable.read(csv);
        if (t.header().isEmpty() || !t.header().get(0).equals("particle_index"))
            throw new InputException(csv, "header", "not an evaluate table (first column particle_index)");
        for (int r = 0; r < t.size(); r++) {
            Map<String, Double> row = into.computeIfAbsent(t.integer(r, "particle_index"), k -> new HashMap<>());
            for (int i = 1; i < t.header().size(); i++) {
                try {
                    row.put(t.header().get(i), Double.parseDouble(t.text(r, i)));
                } catch (NumberFormatException e) {
                    // text columns (image_name) cannot be compared with numbers
                }
            }
        }
        return into;
    }
}
