package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The frame of a consensus map, as a model fitted into it in ChimeraX sees it: voxel (i, j, k) at origin + (i, j, k) ·
 * apix Å, where origin is the header's origin (words 50–52) when any is non-zero, else nxstart … · apix (RELION writes
 * origin 0 and start 0). The particles' box centre (RELION's rotation centre, pixel N/2 of the particle box) is the
 * map's voxel (N/2, N/2, N/2), at {@link #centre()} Å in the user's frame; so a model in the user's frame goes into the
 * box frame by x − centre, and a structure or map we make goes back by + centre.
 *
 * @param box    the map's side, voxels
 * @param apix   its voxel size, Å
 * @param centre the position of voxel (box/2, box/2, box/2) in the map's frame, Å (x, y, z)
 */
public record MapFrame(Path map, int box, double apix, double[] centre) {

    public static MapFrame read(Path map) {
        try (MrcReader r = MrcReader.open(map)) {
            MrcHeader h = r.header();
            if (h.nx() != h.ny() || h.ny() != h.nz())
                throw new InputException(map, "header", "the map is " + h.nx() + "×" + h.ny() + "×" + h.nz()
                        + " voxels; a consensus map is cubic");
            double apix = h.pixelSize();
            if (!(apix > 0)) throw new InputException(map, "header", "no voxel size (cell / grid); the map's frame is unknown");
            float[] o = h.origin();
            boolean originSet = o != null && (o[0] != 0 || o[1] != 0 || o[2] != 0);
            double[] c = new double[3];
            for (int k = 0; k < 3; k++)
                c[k] = (originSet ? o[k] : h.start()[k] * apix) + (h.nx() / 2) * apix;
            return new MapFrame(map, h.nx(), apix, c);
        }
    }

    /** The model moved from the map's frame into the particles' box frame (box centre at 0). */
    public AtomicModel toBox(AtomicModel m) { return m.withCoordinates(translate(m.coordinates(), -1)); }

    /** Coordinates (x, y, z per site) moved from the map's frame into the box frame. */
    public double[] toBox(double[] xyz) { return translate(xyz, -1); }

    /** Box-frame coordinates (x, y, z per site) moved back into the map's frame. */
    public double[] toUser(double[] xyz) { return translate(xyz, 1); }

    private double[] translate(double[] xyz, int sign) {
        double[] out = xyz.clone();
        for (int i = 0; i < out.length; i++) out[i] += sign * centre[i % 3];
        return out;
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s: %d³ voxels of %.4g Å, box centre at (%.2f, %.2f, %.2f) Å", map, box, apix,
                centre[0], centre[1], centre[2]);
    }
}
