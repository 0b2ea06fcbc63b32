package dev.cryosphere.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.util.InputException;
import dev.cryosphere.trainer.model.ModelConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code train --resume} with {@code --config}, {@code --structure}, {@code --map} or {@code --seed}: they must describe the run being
 * resumed (a resumed run keeps its recorded settings, so a changed file would otherwise be silently ignored). Every
 * difference is listed, by YAML key, in one error. Allowed to differ: {@code epochs} (the total comes from
 * {@code --epochs}) and the {@code spark:} knobs (how, not what, is trained).
 */
final class ResumeCheck {
    private ResumeCheck() {}

    /** ModelConfig fields that do not come from the YAML (the dataset's box, pixel size, normalisation) or may change. */
    private static final Set<String> NOT_COMPARED = Set.of("box", "apix", "fStd", "epochs");

    static void requireSameSettings(Trainer.Options o, RunLayout run, ModelConfig recorded, RunConfig given, int checkpointEvery,
                                    int threads, long images) {
        List<String> keys = new ArrayList<>(), diffs = new ArrayList<>();
        AtomicModel base = null;
        Path copy = run.baseStructure().orElse(null);
        if (o.structure() != null) {
            try {
                if (copy == null || Files.mismatch(o.structure(), copy) != -1) {
                    keys.add("--structure");
                    diffs.add("--structure is not the run's base structure (" + copy + ")");
                }
            } catch (IOException e) {
                throw new InputException(o.structure(), null, "cannot read: " + e.getMessage(), e);
            }
        }
        if (o.map() != null) {
            // the frame is fixed when the run starts (run.json); a --map naming another frame would be ignored
            double[] recordedOffset = RunFrame.offset(run), now = dev.cryosphere.core.format.MapFrame.read(o.map()).centre();
            double far = 0;
            for (int k = 0; k < 3; k++) far = Math.max(far, Math.abs(recordedOffset[k] - now[k]));
            if (far > 1e-3) {
                keys.add("--map");
                diffs.add(String.format(java.util.Locale.ROOT, "--map: the run's box centre is at (%.2f, %.2f, %.2f) Å in "
                        + "its frame, this map's at (%.2f, %.2f, %.2f) Å", recordedOffset[0], recordedOffset[1],
                        recordedOffset[2], now[0], now[1], now[2]));
            }
        }
        if (given != null) {
            if (o.seed() != null) given.seed = o.seed();
            if (copy != null) base = AtomicModel.read(copy);
            if (base != null) {
                ModelConfig now = given.toModelConfig(recorded.box(), recorded.apix(), recorded.fStd(), base, images, o.configFile());
                JsonNode a = json(recorded), b = json(now);
                for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (NOT_COMPARED.contains(f) || a.get(f).equals(b.get(f))) continue;
                    keys.add(yamlKey(f));
                    diffs.add(yamlKey(f) + ": the run's " + show(f, a.get(f)) + ", here " + show(f, b.get(f)));
                }
            }
            if (given.checkpointEvery != null && given.checkpointEvery != checkpointEvery) {
                keys.add("checkpoint_every");
                diffs.add("checkpoint_every: the run's " + checkpointEvery + ", here " + given.checkpointEvery);
            }
            // the thread count sets the summation order of each step's gradient: a resumed run keeps the run's
            if (given.threads != null && given.threads != threads) {
                keys.add("threads");
                diffs.add("threads: the run's " + threads + ", here " + given.threads);
            }
        } else if (o.seed() != null && o.seed() != recorded.seed()) {
            keys.add("--seed");
            diffs.add("--seed: the run's " + recorded.seed() + ", here " + o.seed());
        }
        if (keys.isEmpty()) return;
        Object file = o.configFile() != null && !keys.equals(List.of("--structure")) && !keys.equals(List.of("--map"))
                ? o.configFile() : keys.equals(List.of("--map")) ? o.map() : o.structure() != null ? o.structure() : null;
        throw new InputException(file, (keys.size() == 1 ? "key " : "keys ") + String.join(", ", keys),
                "differ from the settings of the run being resumed (" + run.root() + "): " + String.join("; ", diffs)
                        + "; resume without them to keep the run's settings, or start a new run");
    }

    private static JsonNode json(ModelConfig c) {
        try {
            return new ObjectMapper().readTree(c.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ModelConfig's field name as the YAML key a user writes. */
    static String yamlKey(String field) {
        switch (field) {
            case "lowPassAngstrom": return "low_pass";
            case "lrSchedule": return "scheduler";
            case "parts": return "segments/parts";
            default:
                StringBuilder sb = new StringBuilder();
                for (char ch : field.toCharArray()) {
                    if (Character.isUpperCase(ch)) sb.append('_').append(Character.toLowerCase(ch));
                    else sb.append(ch);
                }
                return sb.toString();
        }
    }

    /** A value as the user wrote it: parts as their segment counts (residue ranges 1-based in model order). */
    private static String show(String field, JsonNode n) {
        if (!field.equals("parts") || n == null || !n.isArray()) return shorten(n);
        if (n.size() == 1 && n.get(0).path("first").asInt() == 0) return n.get(0).path("segments").asText() + " segments";
        List<String> p = new ArrayList<>();
        for (JsonNode x : n) {
            int first = x.path("first").asInt() + 1;
            p.add("residues " + first + "-" + (first + x.path("count").asInt() - 1) + ": " + x.path("segments").asText());
        }
        return shorten(new ObjectMapper().getNodeFactory().textNode(String.join(", ", p)));
    }

    private static String shorten(JsonNode n) {
        String s = n == null ? "none" : n.isNull() ? "none" : n.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
