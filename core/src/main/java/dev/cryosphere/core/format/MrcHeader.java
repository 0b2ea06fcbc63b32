package dev.cryosphere.core.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The 1024-byte MRC2014 main header, the fields this project uses. Word numbers below are the 1-based
 * numbers of the MRC2014 specification (word n starts at byte 4·(n−1)).
 *
 * @param nx          columns (fastest axis), word 1
 * @param ny          rows, word 2
 * @param nz          sections (images in a stack), word 3
 * @param mode        voxel type code, word 4 (see {@link MrcMode}; may be a code we do not read)
 * @param start       nxstart, nystart, nzstart, words 5–7 (grid index of the first voxel)
 * @param grid        mx, my, mz, words 8–10 (sampling along each axis of the unit cell)
 * @param cell        cella x, y, z in Å, words 11–13
 * @param dmin        minimum density, word 20
 * @param dmax        maximum density, word 21
 * @param dmean       mean density, word 22
 * @param ispg        space group, word 23 (0 = image stack, 1 = volume; both read as stacks here)
 * @param nsymbt      bytes of extended header after the main header, word 24
 * @param origin      origin x, y, z in Å, words 50–52
 * @param hasMapId    whether word 53 holds "MAP " (old and some RELION/cryoDRGN files lack it)
 * @param order       byte order decided from the machine stamp, word 54
 * @param rms         RMS deviation from the mean, word 55
 */
public record MrcHeader(int nx, int ny, int nz, int mode, int[] start, int[] grid, float[] cell,
                        float dmin, float dmax, float dmean, int ispg, int nsymbt, float[] origin,
                        boolean hasMapId, ByteOrder order, float rms) {

    public static final int SIZE = 1024;
    private static final byte[] MAP_ID = "MAP ".getBytes(StandardCharsets.US_ASCII);

    /** Voxel mode, or null when the code is one we do not read. */
    public MrcMode voxelMode() { return MrcMode.of(mode); }

    /** Å per voxel along x = cella.x / mx; 0 when the header does not say (cella or mx is 0). */
    public double pixelSize() {
        return grid[0] > 0 && cell[0] > 0 ? (double) cell[0] / grid[0] : 0.0;
    }

    /** Bytes in the whole file as the header describes it (main + extended header + voxels). */
    public long expectedFileSize(int bytesPerVoxel) {
        return SIZE + (long) nsymbt + (long) nx * ny * nz * bytesPerVoxel;
    }

    /**
     * Parse the first 1024 bytes of a file. Byte order: stamp 0x44 (little) or 0x11 (big) in the first
     * byte of word 54; files with no stamp (all zero, common in cryoDRGN/RELION 3 output) are read
     * little-endian unless only the big-endian reading gives a sane mode and dimensions.
     */
    public static MrcHeader parse(byte[] bytes) {
        if (bytes.length < SIZE) throw new IllegalArgumentException("MRC header needs 1024 bytes, got " + bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, SIZE);
        b.order(byteOrder(bytes));
        int[] start = {b.getInt(16), b.getInt(20), b.getInt(24)};
        int[] grid = {b.getInt(28), b.getInt(32), b.getInt(36)};
        float[] cell = {b.getFloat(40), b.getFloat(44), b.getFloat(48)};
        float[] origin = {b.getFloat(196), b.getFloat(200), b.getFloat(204)};
        boolean mapId = bytes[208] == MAP_ID[0] && bytes[209] == MAP_ID[1] && bytes[210] == MAP_ID[2]
                && bytes[211] == MAP_ID[3];
        return new MrcHeader(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), start, grid, cell,
                b.getFloat(76), b.getFloat(80), b.getFloat(84), b.getInt(88), b.getInt(92), origin,
                mapId, b.order(), b.getFloat(216));
    }

    private static ByteOrder byteOrder(byte[] h) {
        int stamp = h[212] & 0xff;
        if (stamp == 0x44) return ByteOrder.LITTLE_ENDIAN;
        if (stamp == 0x11) return ByteOrder.BIG_ENDIAN;
        ByteBuffer le = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer be = ByteBuffer.wrap(h).order(ByteOrder.BIG_ENDIAN);
        return !sane(le) && sane(be) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    private static boolean sane(ByteBuffer b) {
        int nx = b.getInt(0), ny = b.getInt(4), nz = b.getInt(8);
        int limit = 1 << 24;
        return MrcMode.of(b.getInt(12)) != null && nx > 0 && ny > 0 && nz > 0 && nx < limit && ny < limit && nz < limit;
    }

    /**
     * A float32 header as this project writes it: MAP id, little-endian stamp, MRC2014 version 20140,
     * axes x,y,z = columns, rows, sections.
     */
    public static MrcHeader float32(int nx, int ny, int nz, int mz, double pixelSize, int ispg,
                                    float[] origin, float dmin, float dmax, float dmean, float rms) {
        float[] cell = {(float) (nx * pixelSize), (float) (ny * pixelSize), (float) (mz * pixelSize)};
        return new MrcHeader(nx, ny, nz, MrcMode.FLOAT32.code, new int[3], new int[]{nx, ny, mz}, cell,
                dmin, dmax, dmean, ispg, 0, origin.clone(), true, ByteOrder.LITTLE_ENDIAN, rms);
    }

    /** The 1024 bytes of this header in its byte order (no extended header, no labels). */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(order);
        b.putInt(0, nx).putInt(4, ny).putInt(8, nz).putInt(12, mode);
        for (int i = 0; i < 3; i++) {
            b.putInt(16 + 4 * i, start[i]).putInt(28 + 4 * i, grid[i]).putFloat(40 + 4 * i, cell[i]);
            b.putFloat(52 + 4 * i, 90f);                // cell angles
            b.putInt(64 + 4 * i, i + 1);                // mapc, mapr, maps = 1, 2, 3
            b.putFloat(196 + 4 * i, origin[i]);
        }
        b.putFloat(76, dmin).putFloat(80, dmax).putFloat(84, dmean);
        b.putInt(88, ispg).putInt(92, nsymbt);
        b.putInt(108, 20140);                           // nversion: MRC2014
        if (hasMapId) b.put(208, MAP_ID[0]).put(209, MAP_ID[1]).put(210, MAP_ID[2]).put(211, MAP_ID[3]);
        byte stamp = order == ByteOrder.LITTLE_ENDIAN ? (byte) 0x44 : (byte) 0x11;
        b.put(212, stamp).put(213, stamp);              // 0x44 0x44 / 0x11 0x11 as the spec recommends
        b.putFloat(216, rms);
        return b.array();
    }

    @Override
    public String toString() {
        return "MrcHeader[" + nx + "x" + ny + "x" + nz + ", mode " + mode + ", ispg " + ispg + ", nsymbt " + nsymbt
                + ", pixel " + pixelSize() + " Å, origin (" + origin[0] + ", " + origin[1] + ", " + origin[2] + ") Å, "
                + (hasMapId ? "" : "no MAP id, ") + order + "]";
    }
}
