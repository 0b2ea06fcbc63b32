package dev.cryosphere.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cryosphere.core.format.AtomicModel;
import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.nio.file.Files;

/**
 * The user's frame of a run trained with {@code --map}: run.json's {@code frame_offset_angst} is the position of the
 * particles' box centre in the consensus map's frame (core.format.MapFrame). The run keeps the base structure as
 * given (in the map's frame); training and evaluation use it moved into the box frame (− offset), and every structure
 * or map the project writes goes back (+ offset). Runs without the key are in the box frame (offset 0).
 */
public final class RunFrame {
    private RunFrame() {}

    public static final String KEY = "frame_offset_angst";

    /** The run's offset, Å (x, y, z); zeros without {@code --map}. */
    public static double[] offset(RunLayout layout) {
        double[] o = new double[3];
        if (!Files.exists(layout.runJson())) return o;
        try {
            JsonNode n = new ObjectMapper().readTree(layout.runJson().toFile()).get(KEY);
            if (n == null || n.isNull()) return o;
            if (!n.isArray() || n.size() != 3)
                throw new InputException(layout.runJson(), KEY, "must be three numbers (x, y, z Å), got " + n);
            for (int k = 0; k < 3; k++) o[k] = n.get(k).asDouble();
            return o;
        } catch (IOException e) {
            throw new InputException(layout.runJson(), null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The run's base structure in the box frame. */
    public static AtomicModel baseModel(RunLayout layout) {
        AtomicModel m = AtomicModel.read(layout.baseStructure().orElseThrow(() ->
                new InputException(layout.root(), "base_structure.pdb", "missing: not a training run folder")));
        return shift(m, offset(layout), -1);
    }

    /** Coordinates (x, y, z per site) moved by sign × offset. */
    public static double[] shift(double[] xyz, double[] offset, int sign) {
        double[] out = xyz.clone();
        for (int i = 0; i < out.length; i++) out[i] += sign * offset[i % 3];
        return out;
    }

    public static AtomicModel shift(AtomicModel m, double[] offset, int sign) {
        if (offset[0] == 0 && offset[1] == 0 && offset[2] == 0) return m;
        return m.withCoordinates(shift(m.coordinates(), offset, sign));
    }
}
