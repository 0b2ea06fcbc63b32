package dev.cryosphere.core.physics;

import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.testing.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Against RELION 3.1.3 {@code relion_image_handler --fsc} tables in relion_oracle_1ztu/. With RELION's binning
 * (round(|k|), half transform) the curves agree to the 6 printed digits (max difference ~5e-6), so the
 * tolerance is 1e-4 rather than a loose 0.02: a change of convention would show.
 */
class FscTest {

    /** Rows of the STAR loop: [rlnSpectralIndex, rlnResolution (1/Å), rlnAngstromResolution, rlnFourierShellCorrelation]. */
    private static List<double[]> relionTable(String file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        for (String line : Files.readAllLines(SharedData.oracle1ztu(file))) {
            String t = line.trim();
            if (t.startsWith("_rln")) columns.add(t.split("\\s+")[0]);
            else if (!columns.isEmpty() && !t.isEmpty() && Character.isDigit(t.charAt(0))) {
                String[] f = t.split("\\s+");
                rows.add(new double[]{Double.parseDouble(f[columns.indexOf("_rlnSpectralIndex")]),
                        Double.parseDouble(f[columns.indexOf("_rlnResolution")]),
                        Double.parseDouble(f[columns.indexOf("_rlnAngstromResolution")]),
                        Double.parseDouble(f[columns.indexOf("_rlnFourierShellCorrelation")])});
            }
        }
        return rows;
    }

    /** Max |ours − RELION| over shells 1…N/2 (shell 0 is printed by RELION as 1.0 at 999 Å). */
    private static double maxShellDifference(Fsc.Curve c, List<double[]> relion) {
        assertEquals(relion.size(), c.shells());
        double max = 0;
        for (int i = 1; i < c.shells(); i++) {
            double[] row = relion.get(i);
            assertEquals(i, (int) row[0]);
            assertEquals(row[1], c.frequency()[i], 1e-6, "shell frequency 1/Å");
            assertEquals(row[2], c.resolutionAngstrom(i), 1e-4, "shell resolution Å");
            max = Math.max(max, Math.abs(c.fsc()[i] - row[3]));
        }
        return max;
    }

    private static Volume map(String file) { return Volume.read(SharedData.oracle1ztu(file)); }

    @Test
    void mapVersusLowpass8MatchesRelion() throws IOException {
        Fsc.Curve c = Fsc.compute(map("1ztu_box64_2A.mrc"), map("1ztu_box64_2A_lp8.mrc"));
        double d = maxShellDifference(c, relionTable("fsc_map_vs_lp8.star"));
        System.out.printf("FSC map vs lp8: max |ours - RELION| over shells 1..32 = %.2e%n", d);
        assertTrue(d < 1e-4, "max shell difference " + d);
    }

    @Test
    void reconstructionVersusMapMatchesRelion() throws IOException {
        Fsc.Curve c = Fsc.compute(map("rec_sim1000.mrc"), map("1ztu_box64_2A.mrc"));
        List<double[]> relion = relionTable("fsc_rec_sim1000_vs_map.star");
        double d = maxShellDifference(c, relion);
        double res = c.resolutionAt(0.5);
        System.out.printf("FSC rec_sim1000 vs map: max |ours - RELION| = %.2e, resolution at 0.5 = %.3f Å%n", d, res);
        assertTrue(d < 1e-4, "max shell difference " + d);
        assertEquals(4.6, res, 0.2);
    }

    @Test
    void identicalMapsCorrelateOneAndMaskIsApplied() {
        int n = 16;
        Random r = new Random(3);
        float[] a = new float[n * n * n], b = new float[n * n * n], mask = new float[n * n * n];
        for (int i = 0; i < a.length; i++) { a[i] = (float) r.nextGaussian(); b[i] = (float) r.nextGaussian(); }
        Fsc.Curve same = Fsc.compute(Volume.centred(a, n, 1.5), Volume.centred(a.clone(), n, 1.5));
        for (double f : same.fsc()) assertEquals(1.0, f, 1e-12);
        assertEquals(3.0, same.resolutionAt(0.143), 1e-12, "never below: Nyquist 2·apix");
        assertEquals(n / 2 + 1, same.shells());
        // mask zero on the half where a and b differ: with b = a there, the masked maps are identical
        for (int i = 0; i < a.length; i++) { mask[i] = i < a.length / 2 ? 1f : 0f; if (i < a.length / 2) b[i] = a[i]; }
        Fsc.Curve masked = Fsc.compute(Volume.centred(a, n, 1.5), Volume.centred(b, n, 1.5), mask);
        for (double f : masked.fsc()) assertEquals(1.0, f, 1e-12);
        Fsc.Curve unmasked = Fsc.compute(Volume.centred(a, n, 1.5), Volume.centred(b, n, 1.5));
        assertTrue(unmasked.fsc()[n / 2] < 0.9);
    }

    @Test
    void interpolatesInInverseAngstrom() {
        // shells at 0, 0.1, 0.2, 0.3 1/Å; crossing 0.5 halfway between 0.1 and 0.2 → 1/0.15 Å
        Fsc.Curve c = new Fsc.Curve(new double[]{0, 0.1, 0.2, 0.3}, new double[]{1, 0.8, 0.2, 0.6}, 6, 10.0 / 6);
        assertEquals(1 / 0.15, c.resolutionAt(0.5), 1e-12);
        assertEquals(1 / 0.1, c.resolutionAt(0.8), 1e-12, "equal to the threshold is not below it");
    }
}
