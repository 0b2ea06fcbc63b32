package dev.cryosphere.evaluate.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report's 3D view of structures: a 3Dmol.js canvas with a selector of structure sets (a PC traversal, the
 * cluster centres), a slider over the set's frames with a play button, and colouring by segment, N→C or chain. The
 * PDB text of every frame is embedded in the page as JSON, so nothing is loaded from disk or network.
 */
public final class StructureViewer {
    /**
     * One structure of a set.
     *
     * @param name  its file inside the report folder without extension, e.g. "traversals/pc1_03"
     * @param label what the slider shows, e.g. "PC1 step 4/10, particle 812"
     */
    public record Frame(String name, String label, String pdb) {}

    /** Structures shown one at a time with the slider; a traversal plays back and forth. */
    public record StructureSet(String name, List<Frame> frames) {}

    private StructureViewer() {}

    /**
     * Adds the viewer to {@code report}: controls, canvas, the data, the library and the page's viewer script.
     *
     * @param owner        segment of each residue (index into {@code segmentNames}; -1 none), for "colour by segment"
     */
    public static void add(HtmlReport report, ViewerLibrary library, List<StructureSet> sets, int[] owner,
                           List<String> segmentNames) {
        report.raw("""
                <div class="viewer3d">
                <div class="viewer-controls">
                <label>Structures <select id="v3d-set"></select></label>
                <label>Frame <input id="v3d-frame" type="range" min="0" max="0" value="0"></label>
                <button id="v3d-play" type="button">Play</button>
                <label>Colour <select id="v3d-colour"><option value="segment">by segment</option><option value="spectrum">N→C</option><option value="chain">by chain</option></select></label>
                <label>Style <select id="v3d-style"><option value="trace">trace</option><option value="sphere">spheres</option></select></label>
                <span id="v3d-label" class="viewer-label"></span>
                </div>
                <div class="viewer-frame"><div id="v3d-canvas" class="viewer-canvas"></div></div>
                </div>
                """);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("sets", sets);
        data.put("owner", owner);
        data.put("segments", segmentNames);
        data.put("palette", Svg.PALETTE);
        report.json("v3d-data", data);
        report.script(library.script());
        report.script(viewerScript());
    }

    private static String viewerScript() {
        try (InputStream in = StructureViewer.class.getResourceAsStream("structure-viewer.js")) {
            if (in == null) throw new IllegalStateException("structure-viewer.js missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
