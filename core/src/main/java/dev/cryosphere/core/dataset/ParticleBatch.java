package dev.cryosphere.core.dataset;

import dev.cryosphere.core.physics.CtfParams;

import java.util.List;

/**
 * Up to B consecutive rows of a dataset as arrays (index i = i-th row of the batch, in dataset order).
 * {@code images} is null for metadata-only reads.
 */
public final class ParticleBatch {
    public final int size;
    public final int box;
    /** images[i] = box×box pixels, row-major [y][x]. */
    public final float[][] images;
    public final long[] particleIndex;
    public final String[] imageName;
    public final int[] opticsGroup;
    public final double[] pixelSize;
    /** rotation[i] = RELION rotation matrix, row-major (9 values). */
    public final double[][] rotation;
    public final double[] rot;
    public final double[] tilt;
    public final double[] psi;
    public final double[] originXAngst;
    public final double[] originYAngst;
    public final CtfParams[] ctf;

    public ParticleBatch(List<DatasetRow> rows) {
        size = rows.size();
        box = size == 0 ? 0 : rows.get(0).box();
        boolean withImages = size > 0 && rows.get(0).image() != null;
        images = withImages ? new float[size][] : null;
        particleIndex = new long[size];
        imageName = new String[size];
        opticsGroup = new int[size];
        pixelSize = new double[size];
        rotation = new double[size][];
        rot = new double[size];
        tilt = new double[size];
        psi = new double[size];
        originXAngst = new double[size];
        originYAngst = new double[size];
        ctf = new CtfParams[size];
        for (int i = 0; i < size; i++) {
            DatasetRow r = rows.get(i);
            if (withImages) images[i] = r.image();
            particleIndex[i] = r.particleIndex();
            imageName[i] = r.imageName();
            opticsGroup[i] = r.opticsGroup();
            pixelSize[i] = r.pixelSize();
            rotation[i] = r.rotation();
            rot[i] = r.rot();
            tilt[i] = r.tilt();
            psi[i] = r.psi();
            originXAngst[i] = r.originXAngst();
            originYAngst[i] = r.originYAngst();
            ctf[i] = r.ctf();
        }
    }

    /** Row i as a record. */
    public DatasetRow row(int i) {
        return new DatasetRow(particleIndex[i], imageName[i], opticsGroup[i], images == null ? null : images[i], box,
                pixelSize[i], rotation[i], rot[i], tilt[i], psi[i], originXAngst[i], originYAngst[i], ctf[i]);
    }
}
