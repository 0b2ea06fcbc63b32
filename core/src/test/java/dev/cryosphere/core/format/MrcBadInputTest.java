package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Each bad file gives an InputException whose message names the file and the detail. */
class MrcBadInputTest {
    @TempDir Path dir;

    private Path stack(String name, int nx, int ny, int nzHeader, int mode, int dataBytes) throws IOException {
        return RawMrc.write(dir.resolve(name), RawMrc.header(nx, ny, nzHeader, mode, ByteOrder.LITTLE_ENDIAN, true, true),
                new byte[dataBytes]);
    }

    private static String failOpen(Path f) {
        InputException e = assertThrows(InputException.class, () -> MrcReader.open(f).close());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void truncatedStack() throws IOException {
        // 10 images of 8x8 float32 = 2560 data bytes; half of the last image missing
        Path f = stack("trunc.mrcs", 8, 8, 10, 2, 2560 - 128);
        String m = failOpen(f);
        assertTrue(m.contains("truncated: header says 10 images of 8x8 mode 2 = 3584 bytes, file has 3456 bytes"), m);
    }

    @Test
    void headerCountLargerThanFile() throws IOException {
        Path f = stack("short.mrcs", 8, 8, 100, 1, 3 * 8 * 8 * 2);
        String m = failOpen(f);
        assertTrue(m.contains("100 images of 8x8 mode 1 = " + (1024 + 100 * 128) + " bytes, file has " + (1024 + 3 * 128)), m);
    }

    @Test
    void unknownMode() throws IOException {
        Path f = stack("mode5.mrcs", 8, 8, 1, 5, 64);
        String m = failOpen(f);
        assertTrue(m.contains("mode 5"), m);
    }

    @Test
    void nonPositiveDimensions() throws IOException {
        String m = failOpen(stack("zero.mrcs", 0, 8, 1, 2, 0));
        assertTrue(m.contains("nx=0"), m);
        m = failOpen(stack("neg.mrcs", 8, 8, -3, 2, 0));
        assertTrue(m.contains("nz=-3"), m);
    }

    @Test
    void indexOutOfRange() throws IOException {
        Path f = stack("ok.mrcs", 4, 4, 3, 2, 3 * 64);
        try (MrcReader r = MrcReader.open(f)) {
            for (long bad : new long[]{3, -1, 1L << 40}) {
                InputException e = assertThrows(InputException.class, () -> r.readImage(bad));
                assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
                assertTrue(e.getMessage().contains("image index " + bad), e.getMessage());
                assertTrue(e.getMessage().contains("has 3 images"), e.getMessage());
            }
            InputException e = assertThrows(InputException.class, () -> r.readImages(2, 2));
            assertTrue(e.getMessage().contains("images 2..3") && e.getMessage().contains("has 3 images"), e.getMessage());
            assertEquals(2, r.readImages(1, 2).length);
        }
    }

    @Test
    void missingFile() {
        String m = failOpen(dir.resolve("nope.mrcs"));
        assertTrue(m.contains("not found"), m);
    }

    @Test
    void zeroLengthFile() throws IOException {
        Path f = Files.createFile(dir.resolve("empty.mrcs"));
        String m = failOpen(f);
        assertTrue(m.contains("empty file"), m);
    }

    @Test
    void shorterThanHeader() throws IOException {
        Path f = Files.write(dir.resolve("tiny.mrcs"), new byte[100]);
        String m = failOpen(f);
        assertTrue(m.contains("100 bytes"), m);
    }

    @Test
    void trailingBytesShorterThanAnImageAreReadWithWarning() throws IOException {
        Path f = stack("padded.mrcs", 4, 4, 2, 2, 2 * 64 + 63);
        try (MrcReader r = MrcReader.open(f)) { assertEquals(2, r.count()); }
    }

    @Test
    void fileLongerByAWholeImageIsAnError() throws IOException {
        // header says 2 images, the file holds 3: reading 2 would silently drop one
        String m = failOpen(stack("long.mrcs", 4, 4, 2, 2, 3 * 64));
        assertTrue(m.contains("header: the file has " + (1024 + 3 * 64) + " bytes, 64 more than the header describes"), m);
        assertTrue(m.contains("fits 3 images, not the header's nz = 2"), m);
    }

    @Test
    void fileSeveralTimesLongerThanItsModeSaysIsAnError() throws IOException {
        // float32 data under a mode 0 (int8) header: four times the bytes, read as garbage before
        String m = failOpen(stack("mode0.mrcs", 8, 8, 5, 0, 5 * 64 * 4));
        assertTrue(m.contains("mode0.mrcs, header: the file has " + (1024 + 5 * 256) + " bytes"), m);
        assertTrue(m.contains("fits mode 2 (float32, 4 bytes per pixel), not the header's mode 0"), m);
    }

    @Test
    void extendedHeaderPastTheEndIsNamedAsSuch() throws IOException {
        java.nio.ByteBuffer h = RawMrc.header(4, 4, 1, 2, ByteOrder.LITTLE_ENDIAN, true, true);
        h.putInt(92, 100_000);   // nsymbt
        Path f = RawMrc.write(dir.resolve("ext.mrcs"), h, new byte[64]);
        String m = failOpen(f);
        assertTrue(m.contains("extended header (nsymbt = 100000 bytes, word 24) runs past the end of the file"), m);
    }

    @Test
    void namedPipeDeviceAndDirectoryAreRefused() throws Exception {
        Path fifo = dir.resolve("pipe.mrcs");
        StructureBadInputTest.assumeFifo(fifo);
        String m = failOpen(fifo);
        assertTrue(m.contains("not a regular file (a named pipe (FIFO))"), m);
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            m = failOpen(zero);
            assertTrue(m.contains("not a regular file (a character device)"), m);
        }
        m = failOpen(dir);
        assertTrue(m.contains("not a regular file (a directory)"), m);
    }
}
