package dev.cryosphere.core.format;

import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Reading the shared fixture stacks. Reference statistics computed independently from the raw bytes:
 * <pre>
 * python3 -c "import numpy as np
 * a=np.fromfile(F,dtype='&lt;f4',offset=1024).reshape(NZ,NY,NX).astype(np.float64)
 * print(a[i].mean(), a[i].std(), a[i,1,2], a[i,NY-1,0])"
 * </pre>
 */
class MrcReaderTest {

    /** mean, population std, pixel [y=1][x=2], pixel [y=ny-1][x=0] of image i, as double. */
    private static void assertImage(float[] img, int nx, int ny, double mean, double std, double p12, double pLast) {
        assertEquals(nx * ny, img.length);
        double s = 0, ss = 0;
        for (float v : img) s += v;
        double m = s / img.length;
        for (float v : img) ss += (v - m) * (v - m);
        assertEquals(mean, m, 1e-9 + 1e-6 * Math.abs(mean));
        assertEquals(std, Math.sqrt(ss / img.length), 1e-6 * std);
        assertEquals(p12, img[1 * nx + 2], 0.0);
        assertEquals(pLast, img[(ny - 1) * nx], 0.0);
    }

    @Test
    void relionOracleProjections() {
        try (MrcReader r = MrcReader.open(SharedData.oracle1ztu("proj_ctf.mrcs"))) {
            assertEquals(64, r.nx());
            assertEquals(64, r.ny());
            assertEquals(20, r.count());
            assertEquals(2.0, r.pixelSize(), 1e-9);
            assertTrue(r.header().hasMapId());
            assertEquals(ByteOrder.LITTLE_ENDIAN, r.byteOrder());
            assertImage(r.readImage(0), 64, 64, 0.01247083463896681, 0.21838451612276205,
                    0.014631683006882668, 0.042277030646800995);
            assertImage(r.readImage(19), 64, 64, 0.012470834605509684, 0.24143039460983035,
                    -0.0017524793511256576, -0.02799302712082863);
            float[][] all = r.readImages(0, 20);
            assertArrayEquals(r.readImage(19), all[19]);
            // header dmean agrees with the mean over all images (numpy: 0.012470834680714613)
            double s = 0;
            for (float[] img : all) for (float v : img) s += v;
            assertEquals(0.012470834680714613, s / (20 * 64 * 64), 1e-9);
            assertEquals(r.header().dmean(), s / (20 * 64 * 64), 1e-7);
        }
    }

    @Test
    void cryodrgnToyStackWithoutMapId() {
        try (MrcReader r = MrcReader.open(SharedData.particles("cryodrgn/toy/toy_projections.mrcs"))) {
            assertEquals(30, r.nx());
            assertEquals(30, r.ny());
            assertEquals(1000, r.count());
            assertFalse(r.header().hasMapId());
            assertEquals(ByteOrder.LITTLE_ENDIAN, r.byteOrder());
            assertImage(r.readImage(0), 30, 30, 0.1995448643227832, 0.8373692579297671, 0.0, 0.0);
            assertImage(r.readImage(999), 30, 30, 0.20015602394463106, 0.870394787232641, 0.0, 0.0);
            float[][] tail = r.readImages(998, 2);
            assertArrayEquals(r.readImage(999), tail[1]);
        }
    }

    @Test
    void empiarStackStoredAsVolume() {
        try (MrcReader r = MrcReader.open(SharedData.particles("cryodrgn/empiar_10076_7/empiar_10076_7.mrc"))) {
            assertEquals(1, r.header().ispg());
            assertEquals(320, r.nx());
            assertEquals(320, r.ny());
            assertEquals(7, r.count());
            assertEquals(0.0, r.pixelSize(), 0.0); // cella is 0: header does not say
            assertImage(r.readImage(0), 320, 320, -0.0026804361670805577, 1.0044603490127644,
                    1.5539379119873047, -0.4894068241119385);
            assertImage(r.readImage(6), 320, 320, -0.0021086688581668867, 1.0054462913194935,
                    -0.32181283831596375, 0.5307133197784424);
        }
    }

    @Test
    void relion31RealParticles() {
        try (MrcReader r = MrcReader.open(SharedData.particles("cryodrgn/relion31/relion31.mrcs"))) {
            assertEquals(256, r.nx());
            assertEquals(256, r.ny());
            assertEquals(5, r.count());
            assertFalse(r.header().hasMapId());
            assertEquals(1.0, r.pixelSize(), 1e-9);
            assertImage(r.readImage(0), 256, 256, -0.017717847193093564, 0.9935057168766267,
                    -0.9141796827316284, -0.21940399706363678);
            assertImage(r.readImage(4), 256, 256, -0.004006587672182649, 1.0075360529787978,
                    1.2809882164001465, -0.523568332195282);
            // PROVENANCE.md: images 1 and 2 are the same particle; numpy: corrcoef(a[0], a[1]) = 0.99998352
            assertEquals(0.9999835166845708, correlation(r.readImage(0), r.readImage(1)), 1e-9);
        }
    }

    private static double correlation(float[] a, float[] b) {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
        ma /= a.length;
        mb /= b.length;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    @Test
    void oracleMapAsVolume() {
        Volume v = Volume.read(SharedData.oracle1ztu("1ztu_box64_2A.mrc"));
        assertEquals(64, v.nx());
        assertEquals(64, v.nz());
        assertEquals(2.0, v.pixelSize(), 1e-9);
        assertArrayEquals(new double[]{-64, -64, -64}, v.origin(), 0.0);
        double s = 0;
        for (float x : v.data()) s += x;
        assertEquals(0.00272748, s / v.data().length, 1e-7); // header dmean
    }
}
