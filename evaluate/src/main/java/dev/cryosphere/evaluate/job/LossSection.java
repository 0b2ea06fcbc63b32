package dev.cryosphere.evaluate.job;

import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.MetricsCsv;
import dev.cryosphere.evaluate.report.Svg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Report section "Training": one small chart per loss term of the run's metrics.csv (each term has its own scale, so
 * they are not overlaid), titled with its weight β as recorded, and a table of every term's weight and first and last
 * value; a term whose weight is 0 throughout is only listed.
 */
final class LossSection {
    private LossSection() {}

    static void add(HtmlReport r, Path metrics, String metricsShown) {
        r.heading("Training");
        List<MetricsCsv.LossTerm> terms = MetricsCsv.terms(metrics);
        if (terms.isEmpty()) {
            r.paragraph("No loss curves: " + metricsShown + " is missing or has no numeric rows.");
            return;
        }
        r.paragraph("Each loss term per epoch from " + metricsShown + ": the terms as they enter the loss (already "
                + "multiplied by their weight β), measured on the epoch's first batch; loss is the epoch's mean step loss.");
        List<List<String>> rows = new ArrayList<>();
        for (MetricsCsv.LossTerm t : terms) {
            String weight = t.weightLabel().isEmpty() ? "" : t.weightLabel();
            rows.add(List.of(t.name(), weight, number(t.first()), number(t.last()), t.alwaysZero() ? "off (0 throughout)" : ""));
            if (t.alwaysZero()) continue;
            String title = weight.isEmpty() ? t.name() : t.name() + " (" + weight + ")";
            r.figure(Svg.lineChart(Svg.SMALL, title, "epoch", t.name(), List.of(new Svg.Series(t.name(), t.epoch(), t.value())),
                    List.of(), null), "");
        }
        r.table(List.of("term", "weight", "first epoch", "last epoch", ""), rows);
        List<String> masters = MetricsCsv.masterStretches(metrics);
        if (masters.size() > 1)
            r.paragraph("The training master changed during the run (on Spark, gradient sharing turns into parameter "
                    + "averaging for the rest of the run when an executor is lost): " + String.join("; ", masters) + ".");
        else if (masters.size() == 1 && !masters.get(0).endsWith(": jvm"))
            r.paragraph("Trained with " + masters.get(0).replaceFirst("^epochs? [^:]*: ", "") + " throughout.");
    }

    private static String number(double v) {
        return Double.isFinite(v) ? MetricsCsv.number(v) : "";
    }
}
