package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.nio.file.Path;

/**
 * A 3-D map: {@code data} is [z][y][x] with x fastest, length nx·ny·nz.
 *
 * @param pixelSize Å per voxel (0 when unknown)
 * @param origin    position in Å of voxel (0,0,0), x/y/z (MRC header words 50–52)
 */
public record Volume(float[] data, int nx, int ny, int nz, double pixelSize, double[] origin) {

    public Volume {
        if (nx <= 0 || ny <= 0 || nz <= 0) throw new IllegalArgumentException("dimensions must be positive: " + nx + "x" + ny + "x" + nz);
        if (data.length != (long) nx * ny * nz)
            throw new IllegalArgumentException("data has " + data.length + " values, expected " + nx + "x" + ny + "x" + nz);
        if (origin.length != 3) throw new IllegalArgumentException("origin needs 3 coordinates");
    }

    /** A cube of side n whose centre voxel (n/2, n/2, n/2) sits at (0,0,0) Å: origin = −(n/2)·pixelSize. */
    public static Volume centred(float[] data, int n, double pixelSize) {
        double o = -(n / 2) * pixelSize;
        return new Volume(data, n, n, n, pixelSize, new double[]{o, o, o});
    }

    public boolean isCube() { return nx == ny && ny == nz; }

    public float at(int x, int y, int z) { return data[(z * ny + y) * nx + x]; }

    /**
     * Read a whole MRC map. Origin: words 50–52; when those are all zero but nxstart/nystart/nzstart are not,
     * origin = start·pixelSize (older CCP4-style maps place themselves that way; ChimeraX does the same).
     */
    public static Volume read(Path file) {
        try (MrcReader r = MrcReader.open(file)) {
            MrcHeader h = r.header();
            long n = (long) h.nx() * h.ny() * h.nz();
            if (n > Integer.MAX_VALUE) throw new InputException(file, "header", "volume of " + n + " voxels is too large for one array");
            float[] data = new float[(int) n];
            int section = h.nx() * h.ny();
            for (int z = 0; z < h.nz(); z++) System.arraycopy(r.readImage(z), 0, data, z * section, section);
            double apix = h.pixelSize();
            float[] o = h.origin();
            double[] origin = {o[0], o[1], o[2]};
            int[] s = h.start();
            if (o[0] == 0 && o[1] == 0 && o[2] == 0 && (s[0] != 0 || s[1] != 0 || s[2] != 0))
                origin = new double[]{s[0] * apix, s[1] * apix, s[2] * apix};
            return new Volume(data, h.nx(), h.ny(), h.nz(), apix, origin);
        }
    }
}
