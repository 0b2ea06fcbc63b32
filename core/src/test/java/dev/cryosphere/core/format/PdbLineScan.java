package dev.cryosphere.core.format;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent, deliberately naive reading of PDB ATOM/HETATM lines with plain string code (no BioJava),
 * used to check {@link AtomicModel} numbers: per residue, its name, record type, electron count (first
 * altloc only) and CA / C1' position. First model only.
 */
final class PdbLineScan {
    static final class Residue {
        final String chain;
        final int number;
        final char insertion;
        final String name;
        final boolean hetatm;
        char altloc = ' ';
        int electrons;
        double[] site;

        Residue(String chain, int number, char insertion, String name, boolean hetatm) {
            this.chain = chain;
            this.number = number;
            this.insertion = insertion;
            this.name = name;
            this.hetatm = hetatm;
        }
    }

    private static final Map<String, Integer> ATOMIC_NUMBER = Map.of(
            "H", 1, "D", 1, "C", 6, "N", 7, "O", 8, "P", 15, "S", 16, "SE", 34, "FE", 26, "ZN", 30);

    private PdbLineScan() {}

    /** Residues keyed by chain|number|insertion, in file order. */
    static Map<String, Residue> scan(Path pdb) throws IOException {
        Map<String, Residue> residues = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(pdb);
        for (String line : lines) {
            if (line.startsWith("ENDMDL")) break;
            boolean hetatm = line.startsWith("HETATM");
            if (!hetatm && !line.startsWith("ATOM  ")) continue;
            String atomName = line.substring(12, 16);
            char altloc = line.charAt(16);
            String resName = line.substring(17, 20).trim();
            String chain = line.substring(21, 22).trim();
            int number = Integer.parseInt(line.substring(22, 26).trim());
            char insertion = line.charAt(26);
            String element = line.substring(76, 78).trim().toUpperCase();
            String key = chain + "|" + number + "|" + insertion;
            Residue r = residues.computeIfAbsent(key, k -> new Residue(chain, number, insertion, resName, hetatm));
            if (altloc != ' ') {
                if (r.altloc == ' ') r.altloc = altloc;   // the first altloc seen in the residue is the one kept
                if (altloc != r.altloc) continue;
            }
            Integer z = ATOMIC_NUMBER.get(element);
            if (z == null) throw new IllegalStateException("element " + element + " not in the test table: " + line);
            r.electrons += z;
            if (atomName.equals(" CA ") && element.equals("C") || atomName.equals(" C1'")) {
                r.site = new double[] {Double.parseDouble(line.substring(30, 38)), Double.parseDouble(line.substring(38, 46)),
                        Double.parseDouble(line.substring(46, 54))};
            }
        }
        return residues;
    }
}
