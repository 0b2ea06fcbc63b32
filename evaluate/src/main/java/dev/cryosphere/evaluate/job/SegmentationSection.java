package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.SequencePlot;
import dev.cryosphere.trainer.run.TrainReport;

import java.util.ArrayList;
import java.util.List;

/**
 * Report section "Segmentation": the GMM's mean segmentation along the sequence in chain and author residue numbers
 * (membership curves and a domain map), and each segment's residue ranges. Segments are numbered from 0, as in
 * segmentation.csv and metrics.csv.
 */
final class SegmentationSection {
    private SegmentationSection() {}

    static void add(HtmlReport r, AtomicModel base, double[][] weights) {
        r.heading("Segmentation");
        SequencePlot.Residues residues = residues(base);
        List<String> names = segmentNames(weights[0].length);
        int[] owner = TrainReport.owners(weights);
        r.figure(SequencePlot.strip("Segments along the sequence", residues, owner, names),
                "Each residue coloured by the segment with its largest mean weight (segmentation.csv, column segment).");
        r.figure(SequencePlot.membership("Segment membership along the sequence", residues, weights, names),
                "Mean segmentation weights of the GMM per residue (segmentation.csv, columns w0…).");
        List<List<String>> ranges = TrainReport.ranges(base, owner, names.size());
        List<List<String>> rows = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            int n = 0;
            for (int o : owner) if (o == k) n++;
            rows.add(List.of(names.get(k), String.valueOf(n), ranges.get(k).isEmpty() ? "empty" : String.join(", ", ranges.get(k))));
        }
        r.table(List.of("segment", "residues", "ranges (chain:number)"), rows);
    }

    static SequencePlot.Residues residues(AtomicModel m) {
        String[] chain = new String[m.size()], label = new String[m.size()];
        int[] number = new int[m.size()];
        for (int i = 0; i < m.size(); i++) {
            chain[i] = m.chain(i);
            number[i] = m.residueNumber(i);
            char ic = m.insertionCode(i);
            label[i] = number[i] + (ic == ' ' || ic == 0 ? "" : String.valueOf(ic));
        }
        return new SequencePlot.Residues(chain, number, label);
    }

    static List<String> segmentNames(int k) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < k; i++) names.add("segment " + i);
        return names;
    }
}
