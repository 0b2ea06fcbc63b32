package dev.cryosphere.core.format;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Every readable mode, little- and big-endian, from files written byte by byte with known values. */
class MrcModesTest {
    @TempDir Path dir;

    private static final int NX = 4, NY = 2, NZ = 2;   // 16 voxels per file

    private float[][] writeAndRead(int mode, ByteOrder order, boolean stamp, java.util.function.BiConsumer<ByteBuffer, Integer> put,
                                   int bytesPerVoxel) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(NX * NY * NZ * bytesPerVoxel).order(order);
        for (int i = 0; i < NX * NY * NZ; i++) put.accept(data, i);
        Path f = RawMrc.write(dir.resolve("m" + mode + order + stamp + ".mrc"),
                RawMrc.header(NX, NY, NZ, mode, order, true, stamp), data.array());
        try (MrcReader r = MrcReader.open(f)) {
            assertEquals(order, r.byteOrder());
            assertEquals(NZ, r.count());
            assertEquals(1.5, r.pixelSize(), 1e-6);
            return r.readImages(0, NZ);
        }
    }

    private static float at(float[][] imgs, int i) { return imgs[i / (NX * NY)][i % (NX * NY)]; }

    @Test
    void int8IsSigned() throws IOException {
        byte[] v = {-128, -1, 0, 1, 127, 5, -5, 42, 100, -100, 7, 8, 9, 10, 11, -12};
        for (ByteOrder o : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            float[][] r = writeAndRead(0, o, true, (b, i) -> b.put(v[i]), 1);
            for (int i = 0; i < v.length; i++) assertEquals(v[i], at(r, i), 0.0, "voxel " + i);
        }
    }

    @Test
    void int16() throws IOException {
        short[] v = {-32768, -1, 0, 1, 32767, 300, -300, 12345, -12345, 2, 3, 4, 5, 6, 7, 256};
        for (ByteOrder o : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            float[][] r = writeAndRead(1, o, true, (b, i) -> b.putShort(v[i]), 2);
            for (int i = 0; i < v.length; i++) assertEquals(v[i], at(r, i), 0.0, "voxel " + i);
        }
    }

    @Test
    void uint16IsUnsigned() throws IOException {
        int[] v = {0, 1, 255, 256, 32767, 32768, 65535, 40000, 3, 4, 5, 6, 7, 8, 9, 65534};
        for (ByteOrder o : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            float[][] r = writeAndRead(6, o, true, (b, i) -> b.putShort((short) v[i]), 2);
            for (int i = 0; i < v.length; i++) assertEquals(v[i], at(r, i), 0.0, "voxel " + i);
        }
    }

    @Test
    void float32() throws IOException {
        float[] v = {0f, -0f, 1.5f, -2.25f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL,
                1e-20f, 3.14159265f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e30f, -7f, 0.1f};
        for (ByteOrder o : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            float[][] r = writeAndRead(2, o, true, (b, i) -> b.putFloat(v[i]), 4);
            for (int i = 0; i < v.length; i++)
                assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(at(r, i)), "voxel " + i);
        }
    }

    @Test
    void float16EdgeValues() throws IOException {
        // bit pattern -> value (IEEE 754 binary16)
        int[] bits = {0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xc000, 0x7bff,
                0xfbff, 0x7c00, 0xfc00, 0x3555, 0x3bff, 0x3c01, 0x8001, 0x7e00};
        float[] want = {0f, -0f, 0x1p-24f, 1023 * 0x1p-24f, 0x1p-14f, 1f, -2f, 65504f,
                -65504f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.333251953125f, 0.99951171875f,
                1.0009765625f, -0x1p-24f, Float.NaN};
        for (ByteOrder o : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            float[][] r = writeAndRead(12, o, true, (b, i) -> b.putShort((short) bits[i]), 2);
            for (int i = 0; i < bits.length; i++) {
                if (Float.isNaN(want[i])) assertTrue(Float.isNaN(at(r, i)));
                else assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(at(r, i)), "voxel " + i);
            }
        }
    }

    @Test
    void halfConversionRoundTripsEveryValue() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) continue;
            assertEquals(h, Half.fromFloat(f) & 0xffff, "half bits " + Integer.toHexString(h));
        }
        assertEquals(0x3c00, Half.fromFloat(1f + 0x1p-11f) & 0xffff);           // tie → even
        assertEquals(0x3c02, Half.fromFloat(1f + 3 * 0x1p-11f) & 0xffff);       // tie → even (up)
        assertEquals(0x7c00, Half.fromFloat(65520f) & 0xffff);                  // rounds to infinity
        assertEquals(0x0001, Half.fromFloat(0x1p-24f) & 0xffff);
        assertEquals(0x0000, Half.fromFloat(0x1p-26f) & 0xffff);
    }

    @Test
    void noStampBigEndianIsDetectedFromTheHeader() throws IOException {
        float[][] r = writeAndRead(2, ByteOrder.BIG_ENDIAN, false, (b, i) -> b.putFloat(i * 0.5f), 4);
        for (int i = 0; i < NX * NY * NZ; i++) assertEquals(i * 0.5f, at(r, i), 0.0);
        float[][] l = writeAndRead(2, ByteOrder.LITTLE_ENDIAN, false, (b, i) -> b.putFloat(i * 0.5f), 4);
        for (int i = 0; i < NX * NY * NZ; i++) assertEquals(i * 0.5f, at(l, i), 0.0);
    }

    @Test
    void noMapIdIsAccepted() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(NX * NY * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < NX * NY; i++) data.putFloat(i);
        Path f = RawMrc.write(dir.resolve("nomap.mrcs"), RawMrc.header(NX, NY, 1, 2, ByteOrder.LITTLE_ENDIAN, false, false), data.array());
        try (MrcReader r = MrcReader.open(f)) {
            assertFalse(r.header().hasMapId());
            assertEquals(7f, r.readImage(0)[7]);
        }
    }
}
