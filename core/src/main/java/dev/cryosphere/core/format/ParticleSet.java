package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The particles of one metadata file, whatever its format, with the optics groups they refer to.
 *
 * <p>Poses: metadata may lack them (particles straight after extraction, 2D classification, a CTF-only file). Reading
 * such a file works, with 0 in the particles' angles and origins, and {@link #missingPoseColumns()} says which columns
 * were absent; every job that uses the poses (ingest for training, render) calls {@link #requirePoses}, so a missing
 * column is an error naming it, never a silent 0.
 *
 * @param source             the metadata file
 * @param particles          in file order; {@code particles().get(i).row() == i}
 * @param opticsGroups       the groups that {@link Particle#opticsGroup()} numbers refer to
 * @param missingPoseColumns pose columns (STAR) or fields (.cs) the file lacks, empty when every pose is given
 */
public record ParticleSet(Path source, List<Particle> particles, List<OpticsGroup> opticsGroups,
                          List<String> missingPoseColumns) {

    public ParticleSet {
        particles = List.copyOf(particles);
        opticsGroups = List.copyOf(opticsGroups);
        missingPoseColumns = List.copyOf(missingPoseColumns);
    }

    /** A set whose poses are all given. */
    public ParticleSet(Path source, List<Particle> particles, List<OpticsGroup> opticsGroups) {
        this(source, particles, opticsGroups, List.of());
    }

    /**
     * Reads RELION STAR (3.0, 3.1, 5.0) or cryoSPARC .cs metadata, by extension.
     *
     * @param metadata the .star or .cs file
     * @param root     directory that relative image paths start from; null for the metadata file's directory
     */
    public static ParticleSet read(Path metadata, Path root) {
        Path dir = root != null ? root : parentOf(metadata);
        String name = String.valueOf(metadata.getFileName()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".star")) return RelionParticles.read(metadata, dir);
        if (name.endsWith(".cs")) return CryoSparcCs.read(metadata, dir);
        throw new InputException(metadata, null, "unknown metadata format: expected a RELION .star or cryoSPARC .cs file");
    }

    public static ParticleSet read(Path metadata) { return read(metadata, null); }

    public int size() { return particles.size(); }

    /** True when every particle names its image (pose/CTF-only files, as used by render, have none). */
    public boolean hasImages() {
        return particles.stream().allMatch(p -> p.imageName() != null);
    }

    /** For jobs that read images: an error naming the file when the metadata has no image references. */
    public ParticleSet requireImages() {
        if (!hasImages())
            throw new InputException(source, "data_particles", "missing required column _rlnImageName (image references)");
        return this;
    }

    /** True when the metadata gives every particle's angles and origin. */
    public boolean hasPoses() { return missingPoseColumns.isEmpty(); }

    /**
     * For jobs that use the poses ({@code job}, e.g. "training" or "render"): an error naming the missing columns
     * (fields of a .cs file) when the metadata lacks any of them, instead of reading them as 0.
     */
    public ParticleSet requirePoses(String job) {
        if (hasPoses()) return this;
        boolean cs = missingPoseColumns.stream().anyMatch(c -> c.contains("/"));
        String what = cs ? "field" + (missingPoseColumns.size() > 1 ? "s " : " ") + String.join(", ", missingPoseColumns)
                : "column" + (missingPoseColumns.size() > 1 ? "s " : " ") + String.join(", ", missingPoseColumns);
        String needed = cs ? "alignments3D/pose and alignments3D/shift (a cryoSPARC 3D refinement's particles)"
                : "_rlnAngleRot, _rlnAngleTilt, _rlnAnglePsi and an origin (_rlnOriginXAngst/_rlnOriginYAngst, or "
                + "_rlnOriginX/_rlnOriginY in pixels)";
        throw new InputException(source, cs ? null : "data_particles", "missing pose " + what + ": " + job
                + " needs every particle's pose, " + needed + "; cryoSPHERE does not estimate poses: give the particles "
                + "of a consensus 3D refinement");
    }

    /**
     * RELION's convention: an image name without "N@" is a file holding one image. Such a name pointing into a stack of
     * several images is an error (image 1 would be a silent guess); the error names the row and the column. Call it
     * once the stack's image count is known; null when the reference is fine.
     */
    public InputException unnumberedReference(Particle p, long stackImages) {
        if (p.imageName() == null || p.imageName().indexOf('@') >= 0 || stackImages <= 1) return null;
        return new InputException(source, "row " + (p.row() + 1) + ", column _rlnImageName", "'" + p.imageName()
                + "' has no image number (N@), which means a file of one image, but " + p.stack() + " holds "
                + stackImages + " images; write the number of the image, e.g. 000001@" + p.imageName());
    }

    /** The group with this number. */
    public OpticsGroup opticsGroup(int number) {
        return opticsGroups.stream().filter(g -> g.number() == number).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no optics group " + number));
    }

    private static Path parentOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null ? parent : file.toAbsolutePath();
    }
}
