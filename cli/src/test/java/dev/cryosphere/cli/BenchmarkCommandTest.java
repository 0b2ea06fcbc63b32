package dev.cryosphere.cli;

import dev.cryosphere.benchmark.Benchmark;
import dev.cryosphere.core.format.AtomicModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `cryosphere benchmark` on a tiny spec (issue 7, acceptance 4: "a small benchmark spec runs in CI"): a hinge entry on
 * the bundled structure, a two-state entry and an entry that fails in evaluate. Checks the CSV's columns and values
 * (the base structure's RMSD to the truth recomputed here from the geometry of a rigid rotation), the failure row,
 * the exit code and that benchmark.html is self-contained (and, where Chromium is installed, renders with every chart
 * drawn). Bad specs: one error naming the key, nothing written.
 */
class BenchmarkCommandTest {
    @TempDir
    static Path dir;
    static Cli run;
    static Path out;
    static Map<String, Map<String, String>> rows = new HashMap<>();
    static List<String> header;

    @BeforeAll
    static void runTinySpec() throws Exception {
        // two conformations for the discrete entry: the ends of a ±25° LID hinge of the bundled structure
        Path pdb = dir.resolve("1ake_A.pdb");
        try (var in = BenchmarkCommandTest.class.getResourceAsStream("/demo/1ake_A.pdb")) {
            Files.copy(in, pdb);
        }
        // --center: the bundled model is not in the box frame (a residue would be outside the 128 Å box)
        Cli c = Cli.run("simulate", "--structure", pdb.toString(), "--center", "--hinge", "A:122-159", "--hinge-axis", "A:121,A:160",
                "--hinge-angles", "-25:25", "-n", "2", "--box", "16", "--apix", "8", "--out", dir.resolve("ends").toString());
        assertEquals(0, c.exitCode(), c.err());
        Files.copy(dir.resolve("ends/conformations/hinge_min.pdb"), dir.resolve("closed.pdb"));
        Files.copy(dir.resolve("ends/conformations/hinge_max.pdb"), dir.resolve("open.pdb"));
        Files.writeString(dir.resolve("spec.yaml"), "title: tiny CI benchmark\n" + BenchmarkResumeTest.DEFAULTS + """
                entries:
                  - name: hinge
                    epochs: 2
                    evaluate: {no_volumes: true, traversal_steps: 3, distance: ["lid=A:122-159,A:1-29"]}
                  - name: two-states
                    motion: {conformations: [closed.pdb, open.pdb]}
                  - name: broken
                    n_particles: 40
                    box: 16
                    apix: 8.0
                    evaluate: {distance: ["x=A:900-950,A:1-10"]}
                """);
        out = dir.resolve("B");
        run = Cli.run("benchmark", "--spec", dir.resolve("spec.yaml").toString(), "--out", out.toString());
        List<List<String>> csv = parseCsv(Files.readString(out.resolve("benchmark.csv")));
        header = csv.get(0);
        for (List<String> r : csv.subList(1, csv.size())) {
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < header.size(); i++) m.put(header.get(i), r.get(i));
            rows.put(m.get("name"), m);
        }
    }

    @Test
    void failedEntryIsRecordedAndTheExitCodeIsNonZero() throws Exception {
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(3, rows.size());
        Map<String, String> b = rows.get("broken");
        assertTrue(b.get("status").startsWith("failed at evaluate: "), b.get("status"));
        assertTrue(b.get("status").contains("A:900-950"), b.get("status"));
        assertEquals("", b.get("latent_spearman"));
        assertEquals("", b.get("rmsd_median_A"));
        assertTrue(Double.parseDouble(b.get("train_s")) > 0);
        assertEquals("", b.get("evaluate_s"));
        assertTrue(run.out().contains("benchmark: [3/3] broken: evaluate ..."), "progress per entry and stage");
        assertTrue(run.out().contains("benchmark: [1/3] hinge: train done"));
        // complete or nothing: no temporary folder left beside OUT
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".B.")).toList());
        }
    }

    @Test
    void csvHasTheDocumentedColumnsAndSaneValues() {
        assertEquals(Benchmark.COLUMNS, header);
        for (String name : List.of("hinge", "two-states")) {
            Map<String, String> r = rows.get(name);
            assertEquals("ok", r.get("status"), name);
            assertEquals("40", r.get("truth_particles"));
            double res05 = num(r, "res_0.5_median_A"), res0143 = num(r, "res_0.143_median_A");
            assertTrue(res05 >= res0143 && res0143 >= 8.0 - 1e-9, name + ": resolutions " + res05 + ", " + res0143 + " (Nyquist 8 Å)");
            for (String auc : List.of("auc_mean", "base_auc_mean")) assertTrue(num(r, auc) > 0 && num(r, auc) <= 0.5, name + " " + auc);
            assertTrue(num(r, "base_res_0.143_median_A") >= 8.0 - 1e-9);
            assertTrue(num(r, "rmsd_median_A") > 0 && num(r, "rmsd_median_A") < 30, name + " rmsd " + r.get("rmsd_median_A"));
            assertTrue(num(r, "train_images_per_s") > 0);
            assertTrue(Double.isFinite(num(r, "final_loss")));
            double stages = 0;
            for (String s : List.of("simulate_s", "ingest_s", "train_s", "evaluate_s")) {
                assertTrue(num(r, s) > 0, s);
                stages += num(r, s);
            }
            assertTrue(num(r, "wall_s") >= stages - 0.05);
            // CryoBench's metrics: identical maps would score (N/2 - 1)/N = 15/32; resolutions no better than 2 px = 8 Å
            assertEquals("40", r.get("cb_images"));
            for (String auc : List.of("cb_auc_mean", "cb_auc_masked_mean", "cb_conf_auc_mean", "cb_conf_auc_masked_mean"))
                assertTrue(num(r, auc) > 0 && num(r, auc) <= 15.0 / 32 + 1e-9, name + " " + auc + " " + r.get(auc));
            for (String res : List.of("cb_res_0.5_median_A", "cb_res_0.143_median_A", "cb_res_0.5_masked_median_A",
                    "cb_res_0.143_masked_median_A", "cb_conf_res_0.143_median_A"))
                assertTrue(num(r, res) >= 8.0 - 1e-9, name + " " + res + " " + r.get(res));
            assertTrue(num(r, "cb_res_0.5_median_A") >= num(r, "cb_res_0.143_median_A"));
        }
        Map<String, String> h = rows.get("hinge"), d = rows.get("two-states");
        // the settings as the runs resolved them (train: {segments: 4, latent_dim: 4, batch_size: 32}, seed 0)
        for (Map<String, String> r : List.of(h, d, rows.get("broken"))) {
            assertEquals("default", r.get("preset"));
            assertEquals("4", r.get("segments"));
            assertEquals("4", r.get("latent_dim"));
            assertEquals("32", r.get("batch_size"));
            assertEquals("0", r.get("train_seed"));
        }
        assertEquals("2", h.get("epochs"));
        assertEquals("1", d.get("epochs"));
        double rho = num(h, "latent_spearman");
        assertTrue(rho >= 0 && rho <= 1, "|Spearman| " + rho);
        assertEquals("", h.get("kmeans_accuracy"));
        double acc = num(d, "kmeans_accuracy");
        assertTrue(acc >= 0.5 && acc <= 1, "k-means accuracy " + acc);
        assertEquals("", d.get("latent_spearman"));
        assertEquals("2", d.get("cb_conformations"));
        int bins = Integer.parseInt(h.get("cb_conformations"));
        assertTrue(bins >= 1 && bins <= 8, "hinge bins " + bins);
        // 200 particles: subsets of 40, k = max(1, round(0.4)) = 1 and round(4) = 4: scores lie in [1/k, (k+1)/k]
        assertTrue(num(h, "neighb_sim_1pct") >= 1 && num(h, "neighb_sim_1pct") <= 2, h.get("neighb_sim_1pct"));
        assertTrue(num(h, "neighb_sim_10pct") >= 0.25 && num(h, "neighb_sim_10pct") <= 1.25, h.get("neighb_sim_10pct"));
        assertEquals("", d.get("neighb_sim_10pct"));
    }

    /** The base structure's median RMSD to the true hinge structures, from the rotation's geometry alone. */
    @Test
    void baseRmsdOfTheHingeEntryMatchesAnIndependentComputation() throws Exception {
        Path sim = out.resolve("hinge/sim");
        AtomicModel base = AtomicModel.read(sim.resolve("base.pdb"));
        double[] x = base.coordinates();
        int a = -1, b = -1;
        List<Integer> moving = new ArrayList<>();
        for (int i = 0; i < base.size(); i++) {
            int n = base.residueNumber(i);
            if (n == 121) a = i;
            if (n == 160) b = i;
            if (n >= 122 && n <= 159) moving.add(i);
        }
        // a rigid rotation by θ about an axis moves a site at distance r from the axis by 2 r sin(θ/2)
        double[] u = {x[3 * b] - x[3 * a], x[3 * b + 1] - x[3 * a + 1], x[3 * b + 2] - x[3 * a + 2]};
        double len = Math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);
        double sumR2 = 0;
        for (int i : moving) {
            double[] v = {x[3 * i] - x[3 * a], x[3 * i + 1] - x[3 * a + 1], x[3 * i + 2] - x[3 * a + 2]};
            double along = (v[0] * u[0] + v[1] * u[1] + v[2] * u[2]) / len;
            sumR2 += v[0] * v[0] + v[1] * v[1] + v[2] * v[2] - along * along;
        }
        List<String> truth = Files.readAllLines(sim.resolve("ground_truth.csv"));
        int angleCol = Arrays.asList(truth.get(0).split(",")).indexOf("hinge_angle_deg");
        List<String> compared = Files.readAllLines(out.resolve("hinge/truth/particles.txt"));
        double[] rmsd = new double[compared.size() - 1];
        for (int k = 1; k < compared.size(); k++) {
            int p = Integer.parseInt(compared.get(k).trim());
            double theta = Math.toRadians(Double.parseDouble(truth.get(p + 1).split(",")[angleCol]));
            rmsd[k - 1] = Math.sqrt(4 * sumR2 * Math.pow(Math.sin(theta / 2), 2) / base.size());
        }
        assertEquals(40, rmsd.length);
        Arrays.sort(rmsd);
        double median = 0.5 * (rmsd[19] + rmsd[20]);
        assertEquals(median, num(rows.get("hinge"), "base_rmsd_median_A"), 2e-3);
        assertTrue(median > 0.1, "the hinge moves the LID: " + median);
    }

    /** Two states, the base is the first: each compared particle's base RMSD is 0 or the RMSD between the states. */
    @Test
    void baseRmsdOfTheTwoStateEntryMatchesAnIndependentComputation() throws Exception {
        double[] p = AtomicModel.read(dir.resolve("closed.pdb")).coordinates(), q = AtomicModel.read(dir.resolve("open.pdb")).coordinates();
        double s = 0;
        for (int i = 0; i < p.length; i++) s += (p[i] - q[i]) * (p[i] - q[i]);
        double between = Math.sqrt(s / (p.length / 3));
        List<String> truth = Files.readAllLines(out.resolve("two-states/sim/ground_truth.csv"));
        int col = Arrays.asList(truth.get(0).split(",")).indexOf("conformation");
        List<String> compared = Files.readAllLines(out.resolve("two-states/truth/particles.txt"));
        double[] rmsd = new double[compared.size() - 1];
        for (int k = 1; k < compared.size(); k++) {
            int i = Integer.parseInt(compared.get(k).trim());
            rmsd[k - 1] = truth.get(i + 1).split(",")[col].equals("0") ? 0 : between;
        }
        Arrays.sort(rmsd);
        assertEquals(0.5 * (rmsd[19] + rmsd[20]), num(rows.get("two-states"), "base_rmsd_median_A"), 2e-3);
    }

    @Test
    void htmlIsSelfContainedAndRenders() throws Exception {
        Path html = out.resolve("benchmark.html");
        String text = Files.readString(html);
        assertFalse(text.contains("<script"), "no scripts");
        assertFalse(text.matches("(?s).*(src|href)=\"https?:.*"), "no network references");
        Matcher links = Pattern.compile("href=\"([^\"]+)\"").matcher(text);
        int n = 0;
        while (links.find()) {
            n++;
            assertTrue(Files.isRegularFile(out.resolve(links.group(1))), "link target exists: " + links.group(1));
        }
        assertEquals(2, n, "a link to each completed entry's evaluation report");
        assertTrue(text.contains("failed at evaluate"), "the failure is shown");
        // side by side: one column per entry; one FSC curve per scored conformation of each completed entry
        assertTrue(text.contains("<tr><th></th><th>hinge</th><th>two-states</th><th>broken</th></tr>"), "side-by-side header");
        assertTrue(text.contains("<tr><td>K (segments)</td><td class=\"num\">4</td><td class=\"num\">4</td><td class=\"num\">4</td></tr>"));
        int curves = 0;
        for (Matcher c = Pattern.compile("<polyline class=\"series\" data-name=\"conformation \\d+\"").matcher(text); c.find(); ) curves++;
        assertEquals(Integer.parseInt(rows.get("hinge").get("cb_conformations")) + 2, curves, "per-conformation curves");
        assumeChromium();
        String dom = ReportChromiumTest.chromium(dir, List.of("--dump-dom", html.toUri().toString()), null);
        Matcher m = Pattern.compile("<svg[^>]*class=\"chart\"[^>]*>(.*?)</svg>", Pattern.DOTALL).matcher(dom);
        int charts = 0;
        while (m.find()) {
            charts++;
            assertTrue(m.group(1).contains("class=\"bar\"") || m.group(1).contains("class=\"point\"")
                    || m.group(1).contains("class=\"series\""), "chart " + charts + " drawn");
        }
        // latent, RMSD, AUC, CryoBench AUC, resolution, images/s, stage times, PC1 vs angle of the hinge entry, the
        // per-conformation FSC curves of the two completed entries
        assertEquals(10, charts);
    }

    @Test
    void badSpecsNameTheKeyAndWriteNothing() throws Exception {
        String ok = "entries:\n  - {name: a, n_particles: 20, box: 16}\n";
        assertBad("entries:\n  - {name: a, snrr: 1}\n", "entries[0].snrr", "unknown setting");
        assertBad("defaults: {epoch: 3}\n" + ok, "defaults.epoch", "unknown setting");
        assertBad("entries:\n  - {name: a, evaluate: {cluster: 3}}\n", "entries[0].evaluate.cluster", "unknown setting");
        assertBad("entries:\n  - {name: a, snr: -1}\n", "key 'snr'", "must be >= 0");
        assertBad("entries:\n  - {name: a, box: 4}\n", "key 'box'", "must be >= 8");
        assertBad("entries:\n  - {name: a, n_particles: many}\n", "entries[0].n_particles", "");
        assertBad("entries:\n  - {name: a, master: 'local[two]'}\n", "key 'master'", "expected local[N]");
        assertBad("entries:\n  - {name: a, train: {segmentz: 3}}\n", "train: key 'segmentz'", "unknown setting");
        assertBad("entries:\n  - {name: a, train: missing.yaml}\n", "key 'train'", "file not found");
        assertBad("entries:\n  - {name: a, motion: {hinge: A:122-159, axis: 'A:121,A:160', conformations: [x.pdb]}}\n",
                "key 'motion'", "not both");
        assertBad("entries:\n  - {name: a, motion: {hinge: A:900-950, axis: 'A:121,A:160'}}\n", "key 'motion'", "A:900-950");
        assertBad("entries:\n  - {name: a}\n  - {name: a}\n", "entries[1].name", "duplicate");
        assertBad("entries:\n  - {name: 'a/b'}\n", "entries[0].name", "names a folder");
        assertBad("entries: []\n", "entries", "at least one");
    }

    private static void assertBad(String spec, String where, String problem) throws Exception {
        Path s = Files.createTempFile(dir, "bad", ".yaml");
        Files.writeString(s, spec);
        Path target = dir.resolve("never");
        Cli c = Cli.run("benchmark", "--spec", s.toString(), "--out", target.toString());
        assertEquals(2, c.exitCode(), spec + " -> " + c.err());
        String line = c.err().strip();
        assertTrue(line.startsWith("error: ") && line.contains(where) && line.contains(problem) && !line.contains("\n"),
                spec + " -> " + line);
        assertFalse(Files.exists(target), "nothing written");
    }

    private static void assumeChromium() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(ReportChromiumTest.CHROMIUM), "chromium not installed");
    }

    private static double num(Map<String, String> r, String column) {
        String v = r.get(column);
        assertNotNull(v, column);
        assertFalse(v.isEmpty(), column + " is empty");
        double d = Double.parseDouble(v);
        assertTrue(Double.isFinite(d), column);
        return d;
    }

    /** RFC 4180 CSV (quoted fields with doubled quotes). */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            List<String> f = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (quoted) {
                    if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { cur.append('"'); i++; }
                    else if (ch == '"') quoted = false;
                    else cur.append(ch);
                } else if (ch == '"') quoted = true;
                else if (ch == ',') { f.add(cur.toString()); cur.setLength(0); }
                else cur.append(ch);
            }
            f.add(cur.toString());
            out.add(f);
        }
        return out;
    }
}
