package dev.cryosphere.cli;

import dev.cryosphere.core.format.CsvTable;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.physics.Fsc;
import dev.cryosphere.core.util.AtomicOutput;
import dev.cryosphere.core.util.InputException;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "fsc", mixinStandardHelpOptions = true, showDefaultValues = true,
        header = "Fourier shell correlation between two maps; prints the resolutions at FSC 0.5 and 0.143.",
        description = {
                "Convention (RELION's relion_image_handler --fsc): the optional mask multiplies both maps first; "
                        + "the Fourier component with integer index k (cycles per box) belongs to shell round(|k|), "
                        + "shells 0..N/2; sums run over the half transform kx >= 0; FSC = Re Σ F1·conj(F2) / "
                        + "sqrt(Σ|F1|²·Σ|F2|²). Shell i is at i/(N·apix) 1/Å.",
                "A resolution is where the curve first drops below the threshold (searching from shell 1), by "
                        + "linear interpolation in 1/Å between the two shells around the crossing; if it never drops "
                        + "below, the Nyquist resolution 2·apix is reported.",
                "The maps must be cubic, of the same size and pixel size."})
public final class FscCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A.mrc", description = "First map.")
    Path a;

    @Parameters(index = "1", paramLabel = "B.mrc", description = "Second map.")
    Path b;

    @Option(names = "--mask", paramLabel = "M.mrc", description = "Real-space mask (same size), multiplied into both maps.")
    Path mask;

    @Option(names = "--out", paramLabel = "CSV", description = "Write the curve: shell, frequency_1_per_A, resolution_A, fsc.")
    Path out;

    @Option(names = "--apix", paramLabel = "Å", description = "Pixel size, Å, when the headers lack it (or to override it).")
    Double apix;

    @Override
    public Integer call() throws Exception {
        Volume va = withPixelSize(Volume.read(a), a), vb = withPixelSize(Volume.read(b), b);
        check(va, a);
        check(vb, b);
        if (va.nx() != vb.nx())
            throw new InputException(b, null, "map is " + vb.nx() + "³, " + a + " is " + va.nx() + "³");
        if (Math.abs(va.pixelSize() - vb.pixelSize()) > 1e-3 * va.pixelSize())
            throw new InputException(b, "pixel size", vb.pixelSize() + " Å differs from " + a + "'s " + va.pixelSize()
                    + " Å (pass --apix to override both)");
        float[] m = null;
        if (mask != null) {
            Volume vm = Volume.read(mask);
            if (vm.nx() != va.nx() || vm.ny() != va.ny() || vm.nz() != va.nz())
                throw new InputException(mask, null, "mask is " + vm.nx() + "x" + vm.ny() + "x" + vm.nz() + ", the maps are " + va.nx() + "³");
            m = vm.data();
        }
        Fsc.Curve c = Fsc.compute(va, vb, m);
        System.out.printf(Locale.ROOT, "FSC %s vs %s (%d³, %.4f Å/px%s): 0.5 at %.2f Å, 0.143 at %.2f Å%n",
                a, b, va.nx(), va.pixelSize(), mask != null ? ", masked" : "", c.resolutionAt(0.5), c.resolutionAt(0.143));
        if (out != null) {
            try (AtomicOutput o = AtomicOutput.file(out, true)) {
                try (BufferedWriter w = Files.newBufferedWriter(o.path()); CSVPrinter csv = CsvTable.printer(w)) {
                    csv.printRecord("shell", "frequency_1_per_A", "resolution_A", "fsc");
                    for (int i = 0; i < c.shells(); i++)
                        csv.printRecord(i, String.format(Locale.ROOT, "%.6f", c.frequency()[i]),
                                String.format(Locale.ROOT, "%.4f", i == 0 ? Double.POSITIVE_INFINITY : c.resolutionAngstrom(i)),
                                String.format(Locale.ROOT, "%.6f", c.fsc()[i]));
                }
                o.commit();
            }
            System.out.println("curve written to " + out);
        }
        return 0;
    }

    private Volume withPixelSize(Volume v, Path file) {
        if (apix != null) return new Volume(v.data(), v.nx(), v.ny(), v.nz(), apix, v.origin());
        if (!(v.pixelSize() > 0)) throw new InputException(file, "header pixel size", "is 0 or missing; pass --apix");
        return v;
    }

    private static void check(Volume v, Path file) {
        if (!v.isCube()) throw new InputException(file, null, "map is not cubic: " + v.nx() + "x" + v.ny() + "x" + v.nz());
        for (int i = 0; i < v.data().length; i++)
            if (!Float.isFinite(v.data()[i])) throw new InputException(file, "voxel " + i, "is NaN or infinite");
    }
}
