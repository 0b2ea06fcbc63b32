package dev.cryosphere.core.format;

import java.nio.file.Path;

/** Whole-array MRC writers (float32, MAP id, little-endian); see {@link MrcStackWriter} for streaming. */
public final class MrcWriter {
    private MrcWriter() {}

    /** An image stack: nz = images.length, ispg 0, each image nx·ny floats row-major [y][x]. */
    public static void writeStack(Path target, float[][] images, int nx, int ny, double pixelSize) {
        if (images.length == 0) throw new IllegalArgumentException("no images to write to " + target);
        try (MrcStackWriter w = MrcStackWriter.open(target, nx, ny, pixelSize)) {
            try {
                for (float[] img : images) w.append(img);
            } catch (RuntimeException e) {
                w.abort();
                throw e;
            }
        }
    }

    /**
     * A volume: ispg 1, mx,my,mz = nx,ny,nz, cella = n·pixelSize, origin words 50–52 = {@link Volume#origin()}
     * in Å (the position of voxel (0,0,0)), which is what ChimeraX uses to place the map over a model.
     */
    public static void writeVolume(Path target, Volume v) {
        try (MrcStackWriter w = MrcStackWriter.openVolume(target, v.nx(), v.ny(), v.pixelSize(), v.origin())) {
            try {
                int section = v.nx() * v.ny();
                for (int z = 0; z < v.nz(); z++) {
                    float[] s = new float[section];
                    System.arraycopy(v.data(), z * section, s, 0, section);
                    w.append(s);
                }
            } catch (RuntimeException e) {
                w.abort();
                throw e;
            }
        }
    }
}
