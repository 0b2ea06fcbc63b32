package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * The particles' box frame: a box of N pixels of {@code apix} Å whose centre (pixel N/2) is at (0, 0, 0) Å. The
 * forward model (render, volume, simulate, training) draws a residue only inside it, so a model that lies partly
 * outside would be clipped without a word: {@link #requireInside} makes that an error saying how far out and how to
 * fix it. A residue inside the box but farther from the centre than half the box is projected out of some images
 * (a corner of the cube turned towards an edge): a warning with the count.
 */
public final class BoxFrame {
    private static final Logger LOG = LoggerFactory.getLogger(BoxFrame.class);

    private BoxFrame() {}

    /**
     * @param file    the structure (named in the error)
     * @param model   its residues, in the box frame
     * @param box     box side, pixels
     * @param apix    pixel size, Å
     * @param boxFrom where the box comes from, for the message (e.g. "the dataset", "--box 64 --apix 2")
     */
    public static void requireInside(Object file, AtomicModel model, int box, double apix, String boxFrom) {
        double half = box * apix / 2;
        double[] xyz = model.coordinates();
        int n = model.size();
        int outside = 0, beyondSphere = 0, worst = -1;
        double worstOut = 0;
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        double[] centre = new double[3];
        for (int i = 0; i < n; i++) {
            double out = 0, r2 = 0;
            for (int k = 0; k < 3; k++) {
                double v = xyz[3 * i + k];
                out = Math.max(out, Math.abs(v) - half);
                r2 += v * v;
                min[k] = Math.min(min[k], v);
                max[k] = Math.max(max[k], v);
                centre[k] += v / n;
            }
            if (out > 0) {
                outside++;
                if (out > worstOut) { worstOut = out; worst = i; }
            } else if (r2 > half * half) beyondSphere++;
        }
        String boxText = String.format(Locale.ROOT, "the %d px × %s Å = %.1f Å box of %s, centred on (0, 0, 0) Å",
                box, java.math.BigDecimal.valueOf(apix).stripTrailingZeros().toPlainString(), 2 * half, boxFrom);
        if (outside > 0) {
            double span = Math.max(max[0] - min[0], Math.max(max[1] - min[1], max[2] - min[2]));
            String fix = span > 2 * half
                    ? String.format(Locale.ROOT, "the model is %.1f Å across, larger than the box: use particles "
                    + "extracted in a larger box (or a smaller model)", span)
                    : String.format(Locale.ROOT, "centre the model in the box: it must be in the particles' box frame "
                    + "(its centre is at (%.1f, %.1f, %.1f) Å; move it to (0, 0, 0), e.g. with `simulate --center` for "
                    + "simulations, or fit it into the consensus map and translate by the map's origin)",
                    centre[0], centre[1], centre[2]);
            throw new InputException(file, "residue " + label(model, worst), String.format(Locale.ROOT,
                    "%.1f Å outside %s (%d of %d residues are outside; they would be clipped from every image); %s",
                    worstOut, boxText, outside, n, fix));
        }
        if (beyondSphere > 0)
            LOG.warn("{}: {} of {} residues are farther than {} Å (half the box) from the box centre: in some "
                    + "orientations they project outside the images", file, beyondSphere, n,
                    String.format(Locale.ROOT, "%.1f", half));
    }

    private static String label(AtomicModel m, int i) {
        char ins = m.insertionCode(i);
        return m.chain(i) + ":" + m.residueNumber(i) + (ins == ' ' ? "" : String.valueOf(ins)) + " (" + m.residueName(i) + ")";
    }
}
