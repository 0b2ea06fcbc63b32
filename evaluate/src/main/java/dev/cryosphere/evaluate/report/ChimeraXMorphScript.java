package dev.cryosphere.evaluate.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A ChimeraX command script (.cxc) that opens a series of structures and plays them as a morph. Paths are relative to
 * the script: ChimeraX runs a .cxc with the script's folder as the working directory, so the script keeps working when
 * the evaluation folder is moved or copied to a laptop.
 */
public final class ChimeraXMorphScript {
    private ChimeraXMorphScript() {}

    /**
     * The script text.
     *
     * @param scriptName the script's file name, for the usage line
     * @param structures paths relative to the script's folder, '/'-separated, in morph order
     */
    public static String text(String scriptName, String title, List<String> structures) {
        if (structures.size() < 2) throw new IllegalArgumentException("a morph needs at least two structures");
        int n = structures.size();
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title).append('\n');
        sb.append("# Open in ChimeraX (File > Open, or: chimerax ").append(scriptName).append("); paths are relative to this file.\n");
        sb.append("open");
        for (String s : structures) sb.append(' ').append(quoted(s));
        sb.append('\n');
        // the structures share the box frame already; morph interpolates between consecutive models into model #n+1
        sb.append("morph #1-").append(n).append(" frames 20\n");
        sb.append("hide #1-").append(n).append(" models\n");
        sb.append("view\n");
        return sb.toString();
    }

    public static void write(Path script, String title, List<String> structures) {
        try {
            Files.writeString(script, text(script.getFileName().toString(), title, structures));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quoted(String path) {
        return path.matches("[A-Za-z0-9_./-]+") ? path : "\"" + path.replace("\"", "") + "\"";
    }
}
