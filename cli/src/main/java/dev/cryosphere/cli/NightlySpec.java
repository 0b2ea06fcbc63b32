package dev.cryosphere.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The spec of deploy/nightly.sh, a YAML file (the keys: docs/cluster.md, "Nightly reprocessing"):
 * <pre>
 * work: /data/nightly          # required
 * master: spark://head:7077    # any key but work and datasets may also be set per dataset; top-level values are
 * datasets:                    #   the defaults of every dataset
 *   adk:
 *     particles: /data/adk/particles.star
 *     structure: /data/adk/base.pdb
 * </pre>
 * nightly.sh runs {@link #main} and reads its output, one tab-separated line per value, in spec order:
 * {@code G KEY VALUE} (top level), {@code N NAME} (a dataset), {@code D NAME KEY VALUE}. Empty values are left out (as
 * unset). A bad spec: one line {@code error: SPEC: ...} on stderr and exit code 2.
 */
public final class NightlySpec {
    private NightlySpec() {}

    static final Set<String> DATASET_KEYS = Set.of("master", "properties", "submit_options", "on_change", "particles",
            "root", "structure", "config", "ingest_options", "train_options", "evaluate_options");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** The parsed spec: top-level values, and each dataset's own values, in file order. */
    record Spec(Map<String, String> global, Map<String, Map<String, String>> datasets) {}

    static final class BadSpec extends Exception {
        BadSpec(String message) { super(message); }
    }

    static Spec read(Path file) throws BadSpec, IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = yaml.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new BadSpec("not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || root.isMissingNode() || root.isNull()) throw new BadSpec("empty; 'work: DIR' and 'datasets:' are required");
        if (!root.isObject()) throw new BadSpec("expected a mapping of keys (work, master, ..., datasets)");
        Map<String, String> global = new LinkedHashMap<>();
        JsonNode datasets = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            if (key.equals("datasets")) datasets = f.getValue();
            else if (key.equals("work") || DATASET_KEYS.contains(key)) put(global, key, key, f.getValue());
            else throw new BadSpec("unknown key '" + key + "'");
        }
        if (!global.containsKey("work")) throw new BadSpec("'work: DIR' is required (at the top level)");
        if (datasets == null || datasets.isNull() || (datasets.isObject() && datasets.isEmpty()))
            throw new BadSpec("no datasets ('datasets:' with one NAME: {particles: ..., structure: ...} per dataset)");
        if (!datasets.isObject()) throw new BadSpec("datasets: expected a mapping NAME: {KEY: VALUE, ...}");
        Map<String, Map<String, String>> ds = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = datasets.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> d = it.next();
            String name = d.getKey(), at = "datasets." + name;
            if (!NAME.matcher(name).matches()) throw new BadSpec(at + ": a dataset name is letters, digits, '.', '_' and '-'");
            Map<String, String> values = new LinkedHashMap<>();
            JsonNode body = d.getValue();
            if (body != null && !body.isNull()) {
                if (!body.isObject()) throw new BadSpec(at + ": expected a mapping KEY: VALUE");
                for (Iterator<Map.Entry<String, JsonNode>> kv = body.fields(); kv.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = kv.next();
                    String key = f.getKey();
                    if (key.equals("work")) throw new BadSpec(at + ".work: only at the top level");
                    if (!DATASET_KEYS.contains(key)) throw new BadSpec(at + ": unknown key '" + key + "'");
                    put(values, key, at + "." + key, f.getValue());
                }
            }
            ds.put(name, values);
        }
        return new Spec(global, ds);
    }

    private static void put(Map<String, String> into, String key, String at, JsonNode v) throws BadSpec {
        if (v == null || v.isNull()) return;
        if (!v.isValueNode()) throw new BadSpec(at + ": expected a single value (options as one string, split on spaces)");
        String s = v.asText().trim();
        if (s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0)
            throw new BadSpec(at + ": tabs and line breaks are not allowed in a value");
        if (!s.isEmpty()) into.put(key, s);
    }

    /** The lines nightly.sh reads. */
    static List<String> lines(Spec spec) {
        List<String> out = new ArrayList<>();
        spec.global().forEach((k, v) -> out.add("G\t" + k + "\t" + v));
        spec.datasets().forEach((name, values) -> {
            out.add("N\t" + name);
            values.forEach((k, v) -> out.add("D\t" + name + "\t" + k + "\t" + v));
        });
        return out;
    }

    /** {@code NightlySpec SPEC}: the lines on stdout, or one error line and exit code 2. */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        if (args.length != 1) {
            System.err.println("usage: NightlySpec SPEC.yaml");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        try {
            if (!Files.isRegularFile(file)) throw new BadSpec("no such file");
            for (String l : lines(read(file))) out.println(l);
            out.flush();
        } catch (BadSpec e) {
            System.err.println("error: " + file + ": " + e.getMessage());
            System.exit(2);
        }
    }
}
