package dev.cryosphere.ingest;

import dev.cryosphere.core.format.MrcStackWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Small hand-written RELION 3.1 STAR files and MRC stacks for the bad-input tests. */
final class TestSets {
    private TestSets() {}

    /** A stack of random images (seeded); {@code bad} maps image index → replacement image, may be null. */
    static Path stack(Path file, int n, int box, long seed, java.util.Map<Integer, float[]> bad) {
        Random rng = new Random(seed);
        try (MrcStackWriter w = MrcStackWriter.open(file, box, box, 1.5)) {
            for (int i = 0; i < n; i++) {
                float[] img = new float[box * box];
                for (int k = 0; k < img.length; k++) img[k] = (float) rng.nextGaussian();
                if (bad != null && bad.containsKey(i)) img = bad.get(i);
                w.append(img);
            }
        }
        return file;
    }

    /** One optics group line: number, pixel size, box (≤ 0: no rlnImageSize column value is written as the box). */
    record Group(int number, double pixelSize, int box) {}

    /** RELION 3.1 STAR: the optics groups and one particle per image reference ("k@stack", group). */
    static Path star(Path file, List<Group> groups, boolean withImageSize, List<String[]> particles) {
        StringBuilder sb = new StringBuilder("# test\n\ndata_optics\n\nloop_\n_rlnOpticsGroup #1\n_rlnOpticsGroupName #2\n"
                + "_rlnImagePixelSize #3\n_rlnVoltage #4\n_rlnSphericalAberration #5\n_rlnAmplitudeContrast #6\n");
        if (withImageSize) sb.append("_rlnImageSize #7\n");
        for (Group g : groups) {
            sb.append(String.format(Locale.ROOT, "%d opticsGroup%d %.4f 300 2.7 0.1", g.number, g.number, g.pixelSize));
            if (withImageSize) sb.append(' ').append(g.box);
            sb.append('\n');
        }
        sb.append("\n\ndata_particles\n\nloop_\n_rlnImageName #1\n_rlnOpticsGroup #2\n_rlnDefocusU #3\n_rlnDefocusV #4\n"
                + "_rlnDefocusAngle #5\n_rlnAngleRot #6\n_rlnAngleTilt #7\n_rlnAnglePsi #8\n_rlnOriginXAngst #9\n"
                + "_rlnOriginYAngst #10\n");
        int i = 0;
        for (String[] p : particles) {
            sb.append(String.format(Locale.ROOT, "%s %s %.1f %.1f 12.5 %d 45 %d 1.5 -0.75%n", p[0], p[1], 15000.0 + i,
                    14500.0 + i, 10 * i, 5 * i));
            i++;
        }
        try {
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Particles 1..n of one stack in group {@code group}. */
    static List<String[]> refs(String stack, int n, int group) {
        List<String[]> out = new ArrayList<>();
        for (int k = 1; k <= n; k++) out.add(new String[]{String.format(Locale.ROOT, "%06d@%s", k, stack), String.valueOf(group)});
        return out;
    }

    static List<String[]> concat(List<String[]> a, List<String[]> b) {
        List<String[]> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    interface RecordWriter { void write(java.nio.ByteBuffer b, int row); }

    /** A version 1.0 .npy file of a structured array (a cryoSPARC .cs file), as numpy.save writes it. */
    static byte[] npy(String descr, int rows, int recordSize, RecordWriter records) {
        String dict = "{'descr': " + descr + ", 'fortran_order': False, 'shape': (" + rows + ",), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + rows * recordSize)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        for (int r = 0; r < rows; r++) records.write(b, r);
        if (b.position() != b.capacity()) throw new IllegalStateException("records of the wrong size");
        return b.array();
    }
}
