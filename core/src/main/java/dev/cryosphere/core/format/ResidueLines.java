package dev.cryosphere.core.format;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds, for error messages, the lines of a PDB or mmCIF file where a residue (chain, number, insertion code) first
 * appears and where it appears again as a second copy: a new run of its atom records after other residues, or an atom
 * name (with altloc) that the residue already has. First model only; waters are ignored. A plain scan of the atom
 * records, independent of BioJava, which does not keep line numbers.
 */
final class ResidueLines {
    private ResidueLines() {}

    private record AtomLine(int line, String chain, int number, char icode, char altloc, String atom, String residue) {}

    /** {first line, line of the second copy} (1-based), or null when the file does not show it plainly. */
    static int[] locate(Path file, boolean mmcif, String chain, int number, char icode) {
        List<AtomLine> atoms;
        try {
            atoms = mmcif ? cifAtoms(file) : pdbAtoms(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (atoms == null) return null;
        int first = -1;
        boolean previousWasIt = false;
        Set<String> names = new HashSet<>();
        for (AtomLine a : atoms) {
            boolean it = !isWater(a.residue) && a.chain.equals(chain) && a.number == number && a.icode == icode;
            if (it) {
                String name = a.atom + "/" + a.altloc;
                if (first < 0) first = a.line;
                else if (!previousWasIt || names.contains(name)) return new int[]{first, a.line};
                names.add(name);
            }
            previousWasIt = it;
        }
        return null;
    }

    private static boolean isWater(String residue) {
        return residue.equals("HOH") || residue.equals("WAT") || residue.equals("DOD") || residue.equals("H2O");
    }

    private static List<AtomLine> pdbAtoms(Path file) throws IOException {
        List<AtomLine> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(AtomicModelReader.open(file), StandardCharsets.ISO_8859_1))) {
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.startsWith("ENDMDL")) break;
                if (!(line.startsWith("ATOM  ") || line.startsWith("HETATM")) || line.length() < 27) continue;
                int number;
                try {
                    number = Integer.parseInt(line.substring(22, 26).trim());
                } catch (NumberFormatException e) {
                    continue;
                }
                out.add(new AtomLine(lineNo, line.substring(21, 22).trim(), number, line.charAt(26), line.charAt(16),
                        line.substring(12, 16).trim(), line.substring(17, 20).trim()));
            }
        }
        return out;
    }

    /** The _atom_site loop, one row per line (as the PDB and every common writer lays it out); null if it is not. */
    private static List<AtomLine> cifAtoms(Path file) throws IOException {
        CifAtomSite site = CifAtomSite.read(file);
        if (site.columns().isEmpty()) return null;
        List<AtomLine> out = new ArrayList<>();
        String firstModel = null;
        for (CifAtomSite.Row r : site.rows()) {
            if (r.values().size() != site.columns().size()) return null;
            String model = site.value(r, "pdbx_PDB_model_num", null);
            if (model != null) {
                if (firstModel == null) firstModel = model;
                else if (!firstModel.equals(model)) break;
            }
            String num = site.value(r, "auth_seq_id", site.value(r, "label_seq_id", "."));
            int number;
            try {
                number = Integer.parseInt(num);
            } catch (NumberFormatException e) {
                continue;
            }
            String ins = site.value(r, "pdbx_PDB_ins_code", "?");
            String alt = site.value(r, "label_alt_id", ".");
            out.add(new AtomLine(r.line(), site.value(r, "auth_asym_id", site.value(r, "label_asym_id", "")),
                    number, unset(ins) ? ' ' : ins.charAt(0), unset(alt) ? ' ' : alt.charAt(0),
                    site.value(r, "auth_atom_id", site.value(r, "label_atom_id", "")),
                    site.value(r, "auth_comp_id", site.value(r, "label_comp_id", ""))));
        }
        return out;
    }

    private static boolean unset(String v) { return v.isEmpty() || v.equals("?") || v.equals("."); }

}
