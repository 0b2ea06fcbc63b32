package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The particles of one metadata file, whatever its format, with the optics groups they refer to.
 *
 * @param source        the metadata file
 * @param particles     in file order; {@code particles().get(i).row() == i}
 * @param opticsGroups  the groups that {@link Particle#opticsGroup()} numbers refer to
 */
public record ParticleSet(Path source, List<Particle> particles, List<OpticsGroup> opticsGroups) {

    public ParticleSet {
        particles = List.copyOf(particles);
        opticsGroups = List.copyOf(opticsGroups);
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
