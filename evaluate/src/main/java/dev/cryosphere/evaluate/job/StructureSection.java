package dev.cryosphere.evaluate.job;

import dev.cryosphere.evaluate.report.ChimeraXMorphScript;
import dev.cryosphere.evaluate.report.HtmlReport;
import dev.cryosphere.evaluate.report.StructureViewer;
import dev.cryosphere.evaluate.report.ViewerLibrary;
import dev.cryosphere.trainer.run.TrainReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Report section "Structures": the traversal and cluster-centre structures in a 3D viewer inside the page (their PDB
 * text embedded), and one ChimeraX script per traversal, traversal_pcK.cxc beside the report, that plays it as a morph.
 */
final class StructureSection {
    private StructureSection() {}

    static void add(HtmlReport r, Path dir, Analysis a, double[][] weights, ViewerLibrary library) {
        r.heading("Structures");
        List<StructureViewer.StructureSet> sets = new ArrayList<>();
        List<String> scripts = new ArrayList<>();
        for (int pc = 0; pc < a.traversals().length; pc++) {
            int steps = a.traversals()[pc].length;
            List<StructureViewer.Frame> frames = new ArrayList<>();
            List<String> files = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                String name = Analysis.traversalName(pc, s);
                long particle = a.particles()[a.traversals()[pc][s]];
                frames.add(new StructureViewer.Frame(name, String.format(Locale.ROOT, "PC%d step %d/%d, particle %d (%s.pdb)",
                        pc + 1, s + 1, steps, particle, name), pdb(dir, name)));
                files.add(name + ".pdb");
            }
            sets.add(new StructureViewer.StructureSet("PC" + (pc + 1) + " traversal", frames));
            if (steps >= 2) {
                String script = String.format(Locale.ROOT, "traversal_pc%d.cxc", pc + 1);
                ChimeraXMorphScript.write(dir.resolve(script),
                        String.format(Locale.ROOT, "cryoSPHERE evaluation: the PC%d traversal (%d structures, 5th to 95th percentile) as a morph", pc + 1, steps),
                        files);
                scripts.add(script);
            }
        }
        int[] sizes = LatentSection.clusterSizes(a);
        List<StructureViewer.Frame> centres = new ArrayList<>();
        for (int j = 0; j < a.clusters(); j++) {
            String name = Analysis.clusterName(j);
            centres.add(new StructureViewer.Frame(name, String.format(Locale.ROOT, "cluster %d: %d particles, centre particle %d (%s.pdb)",
                    j, sizes[j], a.particles()[a.centreRows()[j]], name), pdb(dir, name)));
        }
        if (!centres.isEmpty()) sets.add(new StructureViewer.StructureSet("cluster centres", centres));

        r.paragraph("Decoded structures (one site per residue, mean segmentation) of the traversal steps and cluster centres. "
                + "Drag to rotate, scroll to zoom; the slider steps through the set, keeping the view, so a traversal shows the motion.");
        StructureViewer.add(r, library, sets, TrainReport.owners(weights), SegmentationSection.segmentNames(weights[0].length));
        if (!scripts.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            for (String s : scripts) rows.add(List.of("link:" + s, "opens the traversal's PDB files and plays them as a morph"));
            r.paragraph("In ChimeraX (open the script, or run chimerax SCRIPT); paths inside are relative to the script:");
            r.table(List.of("ChimeraX script", "what"), rows);
        }
    }

    private static String pdb(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name + ".pdb"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
