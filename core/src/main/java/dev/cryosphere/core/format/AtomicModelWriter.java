package dev.cryosphere.core.format;

import org.biojava.nbio.structure.AminoAcidImpl;
import org.biojava.nbio.structure.Atom;
import org.biojava.nbio.structure.AtomImpl;
import org.biojava.nbio.structure.Chain;
import org.biojava.nbio.structure.ChainImpl;
import org.biojava.nbio.structure.Element;
import org.biojava.nbio.structure.EntityInfo;
import org.biojava.nbio.structure.EntityType;
import org.biojava.nbio.structure.Group;
import org.biojava.nbio.structure.NucleotideImpl;
import org.biojava.nbio.structure.ResidueNumber;
import org.biojava.nbio.structure.Structure;
import org.biojava.nbio.structure.StructureImpl;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the coarse-grained sites for viewing (ChimeraX) and for reading back.
 *
 * <p>PDB is formatted by hand: one fixed-column ATOM record per residue is a few lines, and it keeps the
 * exact columns (chain, number, insertion code, amplitude in the B-factor column) under our control, whereas
 * BioJava's {@code toPDB()} on a synthetic structure depends on entity and chem-comp state we would have to fake.
 * mmCIF goes through BioJava's {@code toMMCIF()}, whose CIF quoting and category layout we do not want to
 * reimplement; it is also the only choice once chain ids are longer than the one PDB column.
 */
final class AtomicModelWriter {
    /** Marks our PDB output; the reader then takes amplitudes from the B-factor column. */
    static final String AMPLITUDE_REMARK = "REMARK   2 B-FACTOR COLUMN = RESIDUE ELECTRON COUNT";
    /** Data block name of our mmCIF output (same meaning as {@link #AMPLITUDE_REMARK}). */
    static final String CIF_BLOCK = "data_cryosphere_sites";

    private AtomicModelWriter() {}

    static void writePdb(AtomicModel model, Path out) throws IOException {
        StringBuilder sb = new StringBuilder(model.size() * 82 + 200);
        sb.append("REMARK   1 CRYOSPHERE COARSE-GRAINED MODEL: ONE SITE PER RESIDUE (CA OR C1')\n");
        sb.append(AMPLITUDE_REMARK).append(" (GAUSSIAN AMPLITUDE)\n");
        double[] xyz = model.coordinates();
        double[] amplitudes = model.amplitudes();
        int serial = 0;
        for (int i = 0; i < model.size(); i++) {
            String chain = model.chain(i);
            if (chain.length() > 1) {
                throw new IllegalArgumentException("chain id '" + chain + "' does not fit the PDB format (1 character); use writeCif");
            }
            char chainChar = chain.isEmpty() ? ' ' : chain.charAt(0);
            int number = model.residueNumber(i);
            if (number < -999 || number > 9999) {
                throw new IllegalArgumentException("residue number " + number + " does not fit the PDB format; use writeCif");
            }
            serial++;
            // Atom names of one-letter elements start in column 14, hence the leading blank (" CA ", " C1'").
            sb.append(String.format(Locale.ROOT, "ATOM  %5d %-4s %3s %c%4d%c   %8.3f%8.3f%8.3f%6.2f%6.2f          %2s\n",
                    serial % 100000, " " + model.siteAtom(i), model.residueName(i), chainChar, number,
                    model.insertionCode(i), fitPdbCoordinate(xyz[3 * i]), fitPdbCoordinate(xyz[3 * i + 1]),
                    fitPdbCoordinate(xyz[3 * i + 2]), 1.0, Math.min(amplitudes[i], 999.99), "C"));
            boolean chainEnds = i + 1 == model.size() || !model.chain(i + 1).equals(chain);
            if (chainEnds) {
                serial++;
                sb.append(String.format(Locale.ROOT, "TER   %5d      %3s %c%4d%c\n",
                        serial % 100000, model.residueName(i), chainChar, number, model.insertionCode(i)));
            }
        }
        sb.append("END\n");
        writeAtomically(out, sb.toString());
    }

    private static double fitPdbCoordinate(double v) {
        if (!(v > -999.9995 && v < 9999.9995)) {
            throw new IllegalArgumentException("coordinate " + v + " does not fit the PDB format (8.3f); use writeCif");
        }
        return v;
    }

    static void writeCif(AtomicModel model, Path out) throws IOException {
        String cif = toBioJava(model).toMMCIF();
        // BioJava names the data block after the PDB id, which a synthetic structure lacks ("data_" alone is not
        // valid CIF and some readers reject it).
        if (cif.startsWith("data_\n") || cif.startsWith("data_\r")) cif = CIF_BLOCK + cif.substring(5);
        writeAtomically(out, cif);
    }

    /** One BioJava polymer chain per chain id, one single-atom group per residue. */
    static Structure toBioJava(AtomicModel model) {
        Structure structure = new StructureImpl();
        Map<String, Chain> chains = new LinkedHashMap<>();
        double[] xyz = model.coordinates();
        double[] amplitudes = model.amplitudes();
        for (int i = 0; i < model.size(); i++) {
            String chainId = model.chain(i);
            Chain chain = chains.computeIfAbsent(chainId, id -> newChain(structure, id, chains.size() + 1));
            boolean nucleotide = AtomicModel.NUCLEOTIDE_SITE.equals(model.siteAtom(i));
            Group group = nucleotide ? new NucleotideImpl() : new AminoAcidImpl();
            group.setPDBName(model.residueName(i));
            char ins = model.insertionCode(i);
            group.setResidueNumber(new ResidueNumber(chainId, model.residueNumber(i), ins == ' ' ? null : ins));
            Atom atom = new AtomImpl();
            atom.setName(model.siteAtom(i));
            atom.setElement(Element.C);
            atom.setX(xyz[3 * i]);
            atom.setY(xyz[3 * i + 1]);
            atom.setZ(xyz[3 * i + 2]);
            atom.setOccupancy(1.0f);
            atom.setTempFactor((float) amplitudes[i]);
            atom.setPDBserial(i + 1);
            group.addAtom(atom);
            chain.addGroup(group);
        }
        return structure;
    }

    private static Chain newChain(Structure structure, String id, int entityId) {
        Chain chain = new ChainImpl();
        chain.setId(id.isEmpty() ? "A" : id);   // label_asym_id may not be blank in mmCIF
        chain.setName(id);
        EntityInfo entity = new EntityInfo();
        entity.setMolId(entityId);
        entity.setType(EntityType.POLYMER);
        entity.addChain(chain);
        chain.setEntityInfo(entity);
        structure.addEntityInfo(entity);
        structure.addChain(chain);
        return chain;
    }

    /** Write beside the target, then rename: a reader never sees a half-written file. */
    static void writeAtomically(Path out, String text) throws IOException {
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = dev.cryosphere.core.util.AtomicOutput.siblingTempFile(target);
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
                w.write(text);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
