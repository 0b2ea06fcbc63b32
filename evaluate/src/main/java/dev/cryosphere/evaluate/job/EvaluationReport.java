package dev.cryosphere.evaluate.job;

import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.RelativePath;
import dev.cryosphere.evaluate.report.ViewerLibrary;
import dev.cryosphere.trainer.model.ModelConfig;
import dev.cryosphere.trainer.run.RunLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * EVAL/report.html: one self-contained page (inline SVG charts, the 3D viewer's library and the structures inline) with
 * every figure of the evaluation, section by section; every path in it is relative to the report's folder.
 */
final class EvaluationReport {
    private EvaluationReport() {}

    /** @param dir where the report is written now (the temporary output folder); paths are relative to {@code o.out} */
    static void write(Path dir, EvaluateOptions o, Inputs in, List<ParticleResult> rows, Analysis a, double[] meanFsc,
                      List<PointTask.Result> points, List<String> notes, String throughput) {
        ModelConfig c = in.model().config();
        Path reportDir = o.out;
        ViewerLibrary library = ViewerLibrary.load();
        HtmlReport r = new HtmlReport("cryoSPHERE evaluation").withContents();
        r.paragraph(String.format(Locale.ROOT, "Run %s (checkpoint epoch %d), dataset %s: %s. Latent dimension %d, %d segments, box %d px at %.3f Å.",
                RelativePath.of(reportDir, o.run), in.model().epoch(), RelativePath.of(reportDir, o.data), throughput,
                c.latentDim(), c.segments(), c.box(), c.apix()));
        for (String n : notes) r.paragraph(RelativePath.inText(reportDir, n));

        Path metrics = new RunLayout(o.run).metrics();
        LossSection.add(r, metrics, RelativePath.of(reportDir, metrics));
        LatentSection.add(r, a, dir);
        DistanceSection.add(r, in.distances(), rows, a);
        FscSection.add(r, c, rows, meanFsc, points);
        double[][] w = in.model().segmentation(null);
        SegmentationSection.add(r, in.model().baseModel(), w);
        StructureSection.add(r, dir, a, w, library);

        r.heading("Outputs");
        r.table(List.of("file", "what"), outputs(dir));
        r.raw("<details><summary>3D viewer: " + library.name() + " " + library.version() + " (" + library.licenseId()
                + "), embedded in this page</summary><pre>" + library.licence().replace("&", "&amp;").replace("<", "&lt;")
                + "</pre></details>");
        r.write(dir.resolve("report.html"));
    }

    private static List<List<String>> outputs(Path dir) {
        List<List<String>> rows = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) continue;
                if (Files.isDirectory(p) && !name.endsWith(".parquet")) {
                    long n;
                    try (Stream<Path> f = Files.list(p)) { n = f.count(); }
                    rows.add(List.of("link:" + name + "/", n + " files"));
                } else {
                    rows.add(List.of("link:" + name, Files.isDirectory(p) ? "Parquet table" : Files.size(p) + " bytes"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows.add(List.of("report.html", "this report"));
        return rows;
    }
}
