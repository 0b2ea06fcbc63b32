package dev.cryosphere.trainer.run;

import dev.cryosphere.core.util.InputException;
import dev.cryosphere.trainer.model.ModelConfig;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of a training run folder RUN (the contract between train, evaluate and the nightly pipeline):
 * <pre>
 *   RUN/run.json                     what was run: data, structure, command line, software version, seed
 *   RUN/config.json                  the model configuration ({@code ModelConfig} JSON), fixed for the run
 *   RUN/base_structure.{pdb,cif}     a copy of the base structure file as given (all atoms: amplitudes)
 *   RUN/metrics.csv                  one row per epoch
 *   RUN/checkpoints/epoch-NNNN/      after N epochs (1-based: the first epoch's is epoch-0001, as metrics.csv, the
 *                                    logs and evaluate --epoch), written atomically (temporary folder renamed):
 *       model.zip                    DL4J ComputationGraph with updater state (encoder, decoder, GMM in layer "loss")
 *       state.json                   epochs_done (= N), images seen, seeds, wall time
 * </pre>
 * The newest complete checkpoint is the trained model; evaluation reads it with {@link TrainedModel#load(Path)}.
 * <p>
 * Epoch numbers here are always "epochs done" (1-based). A checkpoint's number comes from its {@code state.json}, so
 * run folders of earlier versions, numbered from 0 ({@code epoch-0000} after the first epoch, {@code "epoch": 0}), read
 * the same; {@link #renumberLegacyCheckpoints()} renames their folders (train --resume does).
 */
public final class RunLayout {
    private static final Pattern CHECKPOINT = Pattern.compile("epoch-(\\d{4,})");

    private final Path run;

    public RunLayout(Path run) {
        this.run = run;
    }

    public Path root() { return run; }

    public Path runJson() { return run.resolve("run.json"); }

    public Path configJson() { return run.resolve("config.json"); }

    /**
     * The run's model configuration; a missing, unreadable, truncated or hand-damaged config.json is one input error
     * naming the file and, for JSON errors, the line and column.
     */
    public ModelConfig readConfig() {
        Path p = configJson();
        if (!Files.exists(p)) throw new InputException(run, "config.json", "missing: not a training run folder");
        String json;
        try {
            json = Files.readString(p);
        } catch (IOException e) {
            throw new InputException(p, null, "cannot read: " + e.getMessage(), e);
        }
        try {
            return ModelConfig.fromJson(json);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof JsonProcessingException j) {
                JsonLocation at = j.getLocation();
                String where = at == null ? null : "line " + at.getLineNr() + ", column " + at.getColumnNr();
                // a value the configuration refuses: its own message, not Jackson's (which names Java classes)
                String why = j.getCause() instanceof IllegalArgumentException bad ? bad.getMessage() : j.getOriginalMessage();
                throw new InputException(p, where, "damaged (not the model configuration train wrote): " + why, e);
            }
            throw new InputException(p, null, "cannot read: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InputException(p, null, "damaged (not the model configuration train wrote): " + e.getMessage(), e);
        }
    }

    public Path metrics() { return run.resolve("metrics.csv"); }

    public Path checkpoints() { return run.resolve("checkpoints"); }

    /**
     * The folder of the checkpoint after {@code epoch} epochs (1-based): the existing one (whatever its name) or, for
     * a new one, {@code epoch-NNNN}.
     */
    public Path checkpoint(int epoch) {
        Path existing = checkpointFolders().get(epoch);
        return existing != null ? existing : canonical(epoch);
    }

    private Path canonical(int epoch) {
        return checkpoints().resolve(String.format(Locale.ROOT, "epoch-%04d", epoch));
    }

    /** The base structure copy (pdb or cif, whichever exists). */
    public Optional<Path> baseStructure() {
        for (String ext : List.of("pdb", "cif", "pdb.gz", "cif.gz")) {
            Path p = run.resolve("base_structure." + ext);
            if (Files.exists(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** Completed checkpoints by epochs done (1-based), oldest first (temporary folders of interrupted writes are ignored). */
    public List<Integer> checkpointEpochs() {
        return List.copyOf(checkpointFolders().keySet());
    }

    /** Complete checkpoint folders by the epochs done that their state.json records. */
    private SortedMap<Integer, Path> checkpointFolders() {
        SortedMap<Integer, Path> out = new TreeMap<>();
        if (!Files.isDirectory(checkpoints())) return out;
        try (Stream<Path> s = Files.list(checkpoints())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!CHECKPOINT.matcher(p.getFileName().toString()).matches()) continue;
                if (!Files.exists(p.resolve("model.zip")) || !Files.exists(p.resolve("state.json"))) continue;
                out.put(TrainState.read(p.resolve("state.json")).epochsDone(), p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * Renames checkpoint folders of a run written before 1-based numbering ({@code epoch-0000} after one epoch) to
     * {@code epoch-NNNN} = epochs done, newest first so no name is taken twice; a run interrupted half-way reads right
     * (the number comes from state.json) and is finished by the next call. Returns how many folders were renamed.
     */
    public int renumberLegacyCheckpoints() throws IOException {
        List<Map.Entry<Integer, Path>> all = new ArrayList<>(checkpointFolders().entrySet());
        Collections.reverse(all);
        int n = 0;
        for (Map.Entry<Integer, Path> e : all) {
            Path target = canonical(e.getKey());
            if (e.getValue().equals(target)) continue;
            if (Files.exists(target)) throw new IOException("cannot renumber " + e.getValue() + ": " + target + " exists");
            Files.move(e.getValue(), target, StandardCopyOption.ATOMIC_MOVE);
            n++;
        }
        return n;
    }

    public Optional<Integer> latestCheckpoint() {
        List<Integer> all = checkpointEpochs();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
}
