package dev.cryosphere.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.trainer.run.RunConfig;
import dev.cryosphere.trainer.run.RunLayout;
import dev.cryosphere.trainer.run.RunOutput;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One entry of a benchmark in its folder OUT/NAME: simulate → ingest → train → evaluate → score, each stage skipped
 * when its done marker carries its current fingerprint ({@link StageLedger}). A stage that runs replaces its output
 * (the commands write atomically, `--overwrite`); a training that did not finish with the same train fingerprint is
 * continued with `--resume`. The score stage keeps its result in NAME/scores.json, so a rerun with every stage done
 * reads the scores back instead of recomputing them.
 */
final class EntryRunner {
    /** Runs one `cryosphere` command with {@code err} as its error output; its exit code. */
    @FunctionalInterface
    interface Stage {
        int run(PrintWriter err, String... args);
    }

    /** What the score stage keeps: read back when the stage is skipped. */
    record Saved(Integer epochs, double[] angle, BenchmarkTruth.Scores scores) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String tag;
    private final String prefix;
    private final BenchmarkSpec.Entry e;
    private final Path d;
    private final String version;
    private final Stage commands;
    private final Benchmark.Row row;
    private StageLedger ledger;
    private BenchmarkTruth truth;

    /** {@code prefix}: put before each line of a command's error output (entries running at the same time). */
    EntryRunner(String tag, String prefix, BenchmarkSpec.Entry e, Path d, String version, Stage commands) {
        this.tag = tag;
        this.prefix = prefix;
        this.e = e;
        this.d = d;
        this.version = version;
        this.commands = commands;
        this.row = new Benchmark.Row(e);
    }

    Benchmark.Row run() {
        String stage = "setup";
        try {
            ledger = new StageLedger(d, EntryFingerprint.lines(e, version));
            Path sim = e.isExternal() ? e.external() : e.isDataset() ? null : d.resolve("sim"), ds = d.resolve("ds"), run = d.resolve("run"),
                    eval = d.resolve("eval"), truthDir = d.resolve("truth"), saved = d.resolve("scores.json");

            stage = "simulate";
            boolean given = e.isExternal() || e.isDataset();    // particles made elsewhere: nothing to simulate
            row.simulate = step(stage, given ? null : sim, () -> simulate(sim));
            if (given) row.simulate = 0;

            stage = "ingest";
            row.ingest = step(stage, ds, () -> {
                Path particles = e.isDataset() ? e.dataset().particles() : sim.resolve("particles.star");
                List<String> a = new ArrayList<>(List.of("ingest", "--particles", particles.toString(),
                        "--out", ds.toString(), "--master", e.master(), "--overwrite"));
                if (e.shardMb() != null) a.addAll(List.of("--shard-mb", String.valueOf(e.shardMb())));
                command("ingest", a);
            });

            stage = "train";
            row.train = step(stage, run, () -> train(sim, ds, run));
            // the epochs trained: the settings may give the length in images or steps, which the run resolved
            if (row.epochs == null) row.epochs = new RunLayout(run).readConfig().epochs();
            row.settings = RunSettings.read(run);

            stage = "evaluate";
            row.evaluate = step(stage, eval, () -> evaluate(sim, ds, run, eval, truthDir));

            stage = "score";
            double score = step(stage, saved, () -> {
                BenchmarkTruth t = truth(sim);
                Saved s = new Saved(row.epochs, t.angle, t.score(eval, run, truthDir));
                try (AtomicOutput o = AtomicOutput.file(saved, true)) {
                    JSON.writeValue(o.path().toFile(), s);
                    o.commit();
                }
            });
            Saved s = JSON.readValue(saved.toFile(), Saved.class);
            row.scores = s.scores();
            row.angle = s.angle();
            row.wall = row.simulate + row.ingest + row.train + row.evaluate + score;
        } catch (Benchmark.StageFailure f) {
            row.status = "failed at " + f.stage + ": " + f.getMessage();
        } catch (Exception ex) {
            row.status = "failed at " + stage + ": " + (ex.getMessage() == null ? ex.toString() : ex.getMessage());
        }
        if (!row.ok()) {
            // the stages that completed, as the CSV's wall time of a failed entry
            row.wall = row.stages.values().stream().mapToDouble(StageLedger.Done::seconds).sum();
        }
        return row;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Skips a done stage whose output is there; else runs it and records it as done. Its seconds. */
    private double step(String stage, Path output, Work work) throws Exception {
        Optional<StageLedger.Done> done = ledger.done(stage);
        if (done.isPresent() && (output == null || Files.exists(output))) {
            System.out.println(tag + ": " + stage + " skipped (done, same fingerprint)");
            row.stages.put(stage, done.get());
            return done.get().seconds();
        }
        ledger.redo(stage);
        long start = System.currentTimeMillis(), t0 = System.nanoTime();
        work.run();
        StageLedger.Done d = ledger.markDone(stage, start, System.currentTimeMillis(), (System.nanoTime() - t0) / 1e9);
        row.stages.put(stage, d);
        return d.seconds();
    }

    private void simulate(Path sim) throws IOException {
        if (e.isExternal() || e.isDataset()) {
            System.out.println(tag + ": " + (e.isExternal() ? "external set " + sim : "dataset " + e.dataset().particles())
                    + ", no simulation");
            return;
        }
        List<String> a = new ArrayList<>(List.of("simulate", "--center", "-n", String.valueOf(e.nParticles()),
                "--box", String.valueOf(e.box()), "--apix", Benchmark.num(e.apix()), "--snr", Benchmark.num(e.snr()),
                "--seed", String.valueOf(e.seed()), "--out", sim.toString(), "--overwrite"));
        if (e.discrete()) {
            a.add("--conformations");
            a.add(String.join(",", e.conformations().stream().map(Path::toString).toList()));
        } else {
            a.addAll(List.of("--structure", structure().toString(), "--hinge", e.hinge(), "--hinge-axis", e.axis(),
                    "--hinge-angles", Benchmark.num(e.angles()[0]) + ":" + Benchmark.num(e.angles()[1])));
        }
        command("simulate", a);
    }

    private void train(Path sim, Path ds, Path run) throws IOException {
        Path config = d.resolve("train.yaml");
        try (AtomicOutput o = AtomicOutput.file(config, true)) {
            if (e.trainFile() != null) Files.copy(e.trainFile(), o.path(), StandardCopyOption.REPLACE_EXISTING);
            else if (e.trainInline() != null) BenchmarkSpec.YAML.writeValue(o.path().toFile(), e.trainInline());
            else Files.writeString(o.path(), "{}\n");
            o.commit();
        }
        RunConfig.read(config);    // checked before the stage runs
        Path base = e.isDataset() ? e.structure() : sim.resolve("base.pdb");
        List<String> a = new ArrayList<>(List.of("train", "--data", ds.toString(), "--structure", base.toString(),
                "--out", run.toString(), "--config", config.toString()));
        if (e.epochs() != null) a.addAll(List.of("--epochs", String.valueOf(e.epochs())));
        if (!e.trainHasSeed()) a.addAll(List.of("--seed", String.valueOf(e.seed())));
        if (!e.trainMaster().equals("jvm")) a.addAll(List.of("--master", e.trainMaster()));
        // a run started with these very inputs and not finished (killed, failed): continue it from its newest
        // checkpoint; any other run is replaced (train keeps the old one until the new one has finished)
        Path started = d.resolve("stages/train.started");
        String fp = ledger.fingerprint("train");
        boolean same = Files.isRegularFile(started) && Files.readString(started).trim().equals(fp);
        Path abs = run.toAbsolutePath().normalize();
        if (same && (Files.exists(new RunLayout(abs).configJson()) || RunOutput.findPending(abs).isPresent())) {
            System.out.println(tag + ": train: continuing the unfinished run (same fingerprint) with --resume");
            a.add("--resume");
        } else {
            a.add("--overwrite");
        }
        StageLedger.writeAtomically(started, fp + "\n");
        command("train", a);
    }

    private void evaluate(Path sim, Path ds, Path run, Path eval, Path truthDir) throws IOException {
        List<String> a = new ArrayList<>(List.of("evaluate", "--run", run.toString(), "--data", ds.toString(), "--out", eval.toString(),
                "--master", e.master(), "--seed", String.valueOf(e.seed()), "--overwrite"));
        if (e.truthParticles() > 0) {
            AtomicOutput.deleteRecursively(truthDir);    // maps of other settings would stay beside the new ones
            truth(sim).writeMaps(truthDir);
            // full-atom truth (external sets, full-atom datasets): evaluate would compare its Gaussian maps with
            // full-atom true maps; the score stage compares full-atom maps of the same structures instead (BenchmarkTruth.score)
            if (truth(sim).fullAtom == null)
                a.addAll(List.of("--truth-maps", truthDir.resolve("maps").toString(), "--truth-labels",
                        truthDir.resolve("labels.csv").toString()));
            a.addAll(List.of("--structures", "indices=" + truthDir.resolve("particles.txt")));
        }
        if (e.clusters() != null) a.addAll(List.of("--clusters", String.valueOf(e.clusters())));
        BenchmarkSpec.RawEvaluate ev = e.evaluate();
        if (ev != null) {
            if (ev.pcs != null) a.addAll(List.of("--pcs", String.valueOf(ev.pcs)));
            if (ev.traversalSteps != null) a.addAll(List.of("--traversal-steps", String.valueOf(ev.traversalSteps)));
            if (ev.rowsPerTask != null) a.addAll(List.of("--rows-per-task", String.valueOf(ev.rowsPerTask)));
            if (ev.batch != null) a.addAll(List.of("--batch", String.valueOf(ev.batch)));
            if (ev.distance != null) for (String x : ev.distance) a.addAll(List.of("--distance", x));
            if (Boolean.TRUE.equals(ev.noVolumes)) a.add("--no-volumes");
            if (Boolean.TRUE.equals(ev.sample)) a.add("--sample");
        }
        command("evaluate", a);
    }

    private BenchmarkTruth truth(Path sim) throws IOException {
        if (truth == null) truth = BenchmarkTruth.read(e, sim);
        return truth;
    }

    /** The entry's base structure: its own file, or the bundled demo structure copied into the entry's folder. */
    private Path structure() throws IOException {
        if (!e.bundled()) return e.structure();
        Path pdb = d.resolve("structure/1ake_A.pdb");
        Files.createDirectories(pdb.getParent());
        try (InputStream in = Benchmark.class.getResourceAsStream("/demo/1ake_A.pdb")) {
            if (in == null) throw new IllegalStateException("bundled demo structure missing from the jar");
            Files.copy(in, pdb, StandardCopyOption.REPLACE_EXISTING);
        }
        return pdb;
    }

    /** Runs one `cryosphere` command; its error output goes to stderr (whole lines, prefixed) and is kept for the reason. */
    private void command(String stage, List<String> args) {
        System.out.println(tag + ": " + stage + " ...");
        StringWriter kept = new StringWriter();
        StringBuilder line = new StringBuilder();
        PrintWriter err = new PrintWriter(new Writer() {
            @Override
            public synchronized void write(char[] buf, int off, int len) {
                kept.write(buf, off, len);
                for (int i = off; i < off + len; i++) {
                    if (buf[i] == '\n') {
                        System.err.println(prefix + line);
                        line.setLength(0);
                    } else if (buf[i] != '\r') {
                        line.append(buf[i]);
                    }
                }
            }

            @Override
            public synchronized void flush() {
                System.err.flush();
            }

            @Override
            public synchronized void close() {
                if (!line.isEmpty()) System.err.println(prefix + line);
                line.setLength(0);
            }
        }, true);
        long t0 = System.nanoTime();
        int rc = commands.run(err, args.toArray(String[]::new));
        double seconds = (System.nanoTime() - t0) / 1e9;
        err.close();
        if (rc != 0) {
            // the command's error line; in a child JVM its other error output (warnings, notes) comes first
            List<String> lines = kept.toString().lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
            String reason = lines.stream().filter(l -> l.startsWith("error: ")).findFirst()
                    .orElse(lines.isEmpty() ? "exit code " + rc : lines.get(lines.size() - 1));
            if (reason.startsWith("error: ")) reason = reason.substring(7);
            throw new Benchmark.StageFailure(stage, reason + " (exit code " + rc + ")");
        }
        System.out.printf(Locale.ROOT, "%s: %s done (%.1f s)%n", tag, stage, seconds);
    }
}
