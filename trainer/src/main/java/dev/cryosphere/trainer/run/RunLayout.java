package dev.cryosphere.trainer.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of a training run folder RUN (the contract between train, evaluate and the nightly pipeline):
 * <pre>
 *   RUN/run.json                     what was run: data, structure, command line, software version, seed
 *   RUN/config.json                  the model configuration ({@code ModelConfig} JSON), fixed for the run
 *   RUN/base_structure.{pdb,cif}     a copy of the base structure file as given (all atoms: amplitudes)
 *   RUN/metrics.csv                  one row per epoch
 *   RUN/checkpoints/epoch-NNNN/      written atomically (temporary folder renamed when complete):
 *       model.zip                    DL4J ComputationGraph with updater state (encoder, decoder, GMM in layer "loss")
 *       state.json                   epoch (0-based, completed), images seen, seeds, wall time
 * </pre>
 * The newest complete checkpoint is the trained model; evaluation reads it with {@link TrainedModel#load(Path)}.
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

    public Path metrics() { return run.resolve("metrics.csv"); }

    public Path checkpoints() { return run.resolve("checkpoints"); }

    public Path checkpoint(int epoch) {
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

    /** Completed checkpoints, oldest first (temporary folders of interrupted writes are ignored). */
    public List<Integer> checkpointEpochs() {
        if (!Files.isDirectory(checkpoints())) return List.of();
        try (Stream<Path> s = Files.list(checkpoints())) {
            return s.map(p -> CHECKPOINT.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1)))
                    .filter(e -> Files.exists(checkpoint(e).resolve("model.zip")) && Files.exists(checkpoint(e).resolve("state.json")))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Integer> latestCheckpoint() {
        List<Integer> all = checkpointEpochs();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }
}
