package dev.cryosphere.benchmark;

import dev.cryosphere.core.util.AtomicOutput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The done markers of one entry's stages, as deploy/nightly.sh keeps them: ENTRY/fingerprint.txt lists what goes into
 * the fingerprints, one line per input tagged by the first stage that reads it ({@link EntryFingerprint}); a stage's
 * fingerprint is the SHA-256 of the lines of its stage and every stage before it (cumulative, so a changed input redoes
 * the stage that reads it and all after it). ENTRY/stages/STAGE.done = "FINGERPRINT START_MS END_MS SECONDS", written
 * atomically once the stage's outputs are committed; a stage whose marker carries its current fingerprint is not
 * redone. Once a stage is redone, the markers of the stages after it are removed before it runs, so a kill part way
 * leaves only markers of outputs that are complete and current.
 */
final class StageLedger {
    /** The stages of an entry, in order, and the fingerprint tag of the inputs each adds. */
    static final List<String> STAGES = List.of("simulate", "ingest", "train", "evaluate", "score");
    static final Map<String, String> TAG = Map.of("simulate", "S", "ingest", "I", "train", "T", "evaluate", "E", "score", "R");

    /** A stage that is done: when it ran and how long it took. */
    record Done(String fingerprint, long startMs, long endMs, double seconds) {}

    private final Path dir;
    private final Map<String, String> fingerprints = new java.util.HashMap<>();
    /** Set once a stage is redone in this run: every later stage is redone too. */
    private boolean redoing;

    /** Writes ENTRY/fingerprint.txt and computes each stage's fingerprint from {@code lines}. */
    StageLedger(Path entryDir, List<String> lines) throws IOException {
        this.dir = entryDir;
        Files.createDirectories(entryDir.resolve("stages"));
        StringBuilder upTo = new StringBuilder();
        for (String stage : STAGES) {
            String tag = TAG.get(stage) + " ";
            for (String l : lines) if (l.startsWith(tag)) upTo.append(l).append('\n');
            fingerprints.put(stage, sha256(upTo.toString()));
        }
        writeAtomically(entryDir.resolve("fingerprint.txt"), String.join("\n", lines) + "\n");
    }

    String fingerprint(String stage) { return fingerprints.get(stage); }

    Path marker(String stage) { return dir.resolve("stages").resolve(stage + ".done"); }

    /** The stage's marker when it carries the current fingerprint and no earlier stage was redone in this run. */
    Optional<Done> done(String stage) {
        if (redoing) return Optional.empty();
        Optional<Done> d = read(marker(stage));
        if (d.isPresent() && d.get().fingerprint().equals(fingerprint(stage))) return d;
        return Optional.empty();
    }

    /** The stage is about to run: it and every stage after it are no longer done. */
    void redo(String stage) throws IOException {
        redoing = true;
        for (int i = STAGES.indexOf(stage); i < STAGES.size(); i++) Files.deleteIfExists(marker(STAGES.get(i)));
    }

    /** Records the stage as done with its current fingerprint. */
    Done markDone(String stage, long startMs, long endMs, double seconds) throws IOException {
        // the seconds as the marker keeps them, so that a rerun that reads them back reports the very same figure
        Done d = new Done(fingerprint(stage), startMs, endMs, Math.round(seconds * 1000) / 1000.0);
        writeAtomically(marker(stage), String.format(Locale.ROOT, "%s %d %d %.3f%n", d.fingerprint(), startMs, endMs, d.seconds()));
        return d;
    }

    static Optional<Done> read(Path marker) {
        try {
            if (!Files.isRegularFile(marker)) return Optional.empty();
            String[] f = Files.readString(marker).trim().split("\\s+");
            if (f.length < 4) return Optional.empty();
            return Optional.of(new Done(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3])));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();   // an unreadable marker is no marker: the stage is redone
        }
    }

    static void writeAtomically(Path file, String text) throws IOException {
        try (AtomicOutput o = AtomicOutput.file(file, true)) {
            Files.writeString(o.path(), text);
            o.commit();
        }
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
