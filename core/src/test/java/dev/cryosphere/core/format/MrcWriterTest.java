package dev.cryosphere.core.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class MrcWriterTest {
    @TempDir Path dir;

    private static float[][] randomImages(int n, int size, long seed) {
        Random rnd = new Random(seed);
        float[][] imgs = new float[n][size];
        for (float[] img : imgs) for (int i = 0; i < size; i++) img[i] = (float) (rnd.nextGaussian() * 3 + 1);
        return imgs;
    }

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) { return s.count(); }
    }

    @Test
    void stackRoundTripWithHeaderStatistics() throws IOException {
        int nx = 5, ny = 3;  // non-square to catch x/y mix-ups
        float[][] imgs = randomImages(4, nx * ny, 1);
        Path f = dir.resolve("s.mrcs");
        MrcWriter.writeStack(f, imgs, nx, ny, 1.25);
        assertEquals(1, filesIn(dir), "no temporary file left behind");
        assertEquals(1024 + 4L * nx * ny * 4, Files.size(f));

        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, s = 0, ss = 0;
        for (float[] img : imgs) for (float v : img) { min = Math.min(min, v); max = Math.max(max, v); s += v; ss += v * v; }
        double mean = s / (4 * nx * ny), rms = Math.sqrt(ss / (4 * nx * ny) - mean * mean);

        // header fields read straight from the bytes (independent of MrcHeader.parse)
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(nx, h.getInt(0));
        assertEquals(ny, h.getInt(4));
        assertEquals(4, h.getInt(8));
        assertEquals(2, h.getInt(12));
        assertEquals(0, h.getInt(88), "ispg 0 = image stack");
        assertEquals("MAP ", new String(h.array(), 208, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0x44, h.get(212));
        assertEquals(min, h.getFloat(76), 0);
        assertEquals(max, h.getFloat(80), 0);
        assertEquals(mean, h.getFloat(84), 1e-6);
        assertEquals(rms, h.getFloat(216), 1e-5);
        assertEquals(1.25, h.getFloat(40) / h.getInt(28), 1e-6);

        try (MrcReader r = MrcReader.open(f)) {
            assertEquals(4, r.count());
            assertEquals(1.25, r.pixelSize(), 1e-6);
            for (int i = 0; i < 4; i++) assertArrayEquals(imgs[i], r.readImage(i));
        }
    }

    @Test
    void volumeRoundTripKeepsOriginAndIsAVolume() throws IOException {
        int n = 6;
        float[] data = randomImages(1, n * n * n, 2)[0];
        Volume v = Volume.centred(data, n, 2.0);
        assertArrayEquals(new double[]{-6, -6, -6}, v.origin(), 0);
        Path f = dir.resolve("v.mrc");
        MrcWriter.writeVolume(f, v);
        ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1, h.getInt(88), "ispg 1 = volume");
        assertEquals(n, h.getInt(36), "mz = nz");
        assertEquals(-6f, h.getFloat(196));
        assertEquals(-6f, h.getFloat(204));
        Volume back = Volume.read(f);
        assertArrayEquals(data, back.data());
        assertEquals(2.0, back.pixelSize(), 1e-9);
        assertArrayEquals(v.origin(), back.origin(), 1e-6);
        assertEquals(data[(3 * n + 2) * n + 1], back.at(1, 2, 3));
    }

    @Test
    void streamingWriterPublishesOnlyOnClose() throws IOException {
        Path f = dir.resolve("big.mrcs");
        float[][] imgs = randomImages(3, 16, 3);
        try (MrcStackWriter w = MrcStackWriter.open(f, 4, 4, 3.0)) {
            for (float[] img : imgs) w.append(img);
            assertFalse(Files.exists(f), "target appears only on close");
            assertEquals(3, w.count());
        }
        try (MrcReader r = MrcReader.open(f)) {
            assertEquals(3, r.count());
            assertArrayEquals(imgs[2], r.readImage(2));
        }
        assertEquals(1, filesIn(dir));
    }

    @Test
    void overwritingReplacesTheOldFile() throws IOException {
        Path f = dir.resolve("s.mrcs");
        MrcWriter.writeStack(f, randomImages(5, 4, 4), 2, 2, 1);
        MrcWriter.writeStack(f, randomImages(2, 4, 5), 2, 2, 1);
        try (MrcReader r = MrcReader.open(f)) { assertEquals(2, r.count()); }
        assertEquals(1, filesIn(dir));
    }

    @Test
    void failureLeavesNothing() throws IOException {
        Path f = dir.resolve("bad.mrcs");
        float[][] imgs = {new float[16], new float[15]};
        assertThrows(IllegalArgumentException.class, () -> MrcWriter.writeStack(f, imgs, 4, 4, 1));
        assertEquals(0, filesIn(dir));

        try (MrcStackWriter w = MrcStackWriter.open(f, 4, 4, 1)) {
            w.append(new float[16]);
            w.abort();
        }
        assertEquals(0, filesIn(dir));
    }
}
