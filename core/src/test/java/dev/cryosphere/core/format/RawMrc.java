package dev.cryosphere.core.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes MRC files byte by byte, independently of MrcHeader/MrcWriter, so tests do not check code against itself. */
final class RawMrc {
    private RawMrc() {}

    /** Header with the given fields; stamp 0x44/0x11 for little/big endian (or 0 when {@code stamp} is false). */
    static ByteBuffer header(int nx, int ny, int nz, int mode, ByteOrder order, boolean mapId, boolean stamp) {
        ByteBuffer b = ByteBuffer.allocate(1024).order(order);
        b.putInt(0, nx).putInt(4, ny).putInt(8, nz).putInt(12, mode);
        b.putInt(28, nx).putInt(32, ny).putInt(36, 1);
        b.putFloat(40, 1.5f * nx).putFloat(44, 1.5f * ny).putFloat(48, 1.5f);   // 1.5 Å/px
        b.putInt(64, 1).putInt(68, 2).putInt(72, 3);
        if (mapId) b.put(208, (byte) 'M').put(209, (byte) 'A').put(210, (byte) 'P').put(211, (byte) ' ');
        if (stamp) {
            byte s = order == ByteOrder.LITTLE_ENDIAN ? (byte) 0x44 : (byte) 0x11;
            b.put(212, s).put(213, s);
        }
        return b;
    }

    static Path write(Path file, ByteBuffer header, byte[] data) throws IOException {
        byte[] all = new byte[1024 + data.length];
        System.arraycopy(header.array(), 0, all, 0, 1024);
        System.arraycopy(data, 0, all, 1024, data.length);
        return Files.write(file, all);
    }
}
