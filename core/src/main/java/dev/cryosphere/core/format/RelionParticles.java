package dev.cryosphere.core.format;

import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.util.InputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RELION particle STAR files to {@link ParticleSet}. RELION 3.1 and later keep imaging parameters in a
 * {@code data_optics} table that particles reference by rlnOpticsGroup; RELION 3.0 repeats them on every particle
 * row, and gives the pixel size either directly or as detector pixel size (µm) over magnification.
 */
final class RelionParticles {
    private final Path file;
    private final ImagePaths images;

    private RelionParticles(Path file, Path root) {
        this.file = file;
        this.images = new ImagePaths(file, root);
    }

    static ParticleSet read(Path file, Path root) {
        return new RelionParticles(file, root).convert(StarFile.read(file));
    }

    private ParticleSet convert(StarFile star) {
        StarBlock block = particlesBlock(star);
        StarLoop loop = block.loop().orElseThrow();
        if (loop.size() == 0) throw new InputException(file, "data_" + block.name(), "no particles (the table is empty)");
        // rlnImageName is optional here: pose/CTF-only files (relion_project --ang, render) have none;
        // jobs that read images call ParticleSet.requireImages()
        requireColumn(block, "rlnDefocusU");

        var optics = star.block("optics").filter(b -> b.loop().isPresent());
        Map<Integer, OpticsGroup> groups = optics.isPresent() ? opticsTable(optics.get()) : null;
        OpticsGrouping perParticle = new OpticsGrouping();

        List<Particle> particles = new ArrayList<>(loop.size());
        for (int r = 0; r < loop.size(); r++) {
            StarRow row = new StarRow(file, block.name(), loop, r);
            OpticsGroup group = groups != null ? groupOf(row, groups) : opticsOfRow(row, perParticle);
            particles.add(particle(r, row, group));
        }
        List<OpticsGroup> groupList = groups != null ? new ArrayList<>(groups.values()) : perParticle.groups();
        return new ParticleSet(file, particles, groupList, missingPoseColumns(loop));
    }

    /** Pose columns the table lacks (read as 0 until a job that needs poses calls ParticleSet.requirePoses). */
    private static List<String> missingPoseColumns(StarLoop loop) {
        List<String> missing = new ArrayList<>();
        for (String c : List.of("rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi"))
            if (!loop.has(c)) missing.add("_" + c);
        for (String axis : List.of("X", "Y"))
            if (!loop.has("rlnOrigin" + axis + "Angst") && !loop.has("rlnOrigin" + axis))
                missing.add("_rlnOrigin" + axis + "Angst");
        return missing;
    }

    /** data_particles if present, else the first table with image names (RELION 3.0 names it freely). */
    private StarBlock particlesBlock(StarFile star) {
        var named = star.block("particles").filter(b -> b.loop().isPresent());
        if (named.isPresent()) return named.get();
        for (StarBlock b : star.blocks())
            if (b.loop().map(l -> l.has("rlnImageName")).orElse(false)) return b;
        for (StarBlock b : star.blocks())
            if (b.loop().isPresent() && !b.name().equals("optics")) return b;
        throw new InputException(file, null, "no particles table (expected a data_particles block with a loop_)");
    }

    private void requireColumn(StarBlock block, String column) {
        if (!block.loop().orElseThrow().has(column))
            throw new InputException(file, "data_" + block.name(), "missing required column _" + column);
    }

    private Map<Integer, OpticsGroup> opticsTable(StarBlock block) {
        StarLoop loop = block.loop().orElseThrow();
        if (loop.size() == 0) throw new InputException(file, "data_optics", "the optics table is empty");
        for (String c : List.of("rlnOpticsGroup", "rlnVoltage", "rlnSphericalAberration", "rlnAmplitudeContrast",
                "rlnImagePixelSize"))
            requireColumn(block, c);
        Map<Integer, OpticsGroup> groups = new LinkedHashMap<>();
        for (int r = 0; r < loop.size(); r++) {
            StarRow row = new StarRow(file, block.name(), loop, r);
            int number = row.integer("rlnOpticsGroup");
            String name = row.has("rlnOpticsGroupName") ? row.text("rlnOpticsGroupName") : "opticsGroup" + number;
            int box = row.has("rlnImageSize") ? row.integer("rlnImageSize") : -1;
            OpticsGroup g = new OpticsGroup(number, name, positive(row, "rlnImagePixelSize", row.number("rlnImagePixelSize")),
                    box, row.number("rlnVoltage"), row.number("rlnSphericalAberration"), row.number("rlnAmplitudeContrast"));
            if (groups.put(number, g) != null)
                throw new InputException(file, row.where("rlnOpticsGroup"), "optics group " + number + " is defined twice");
        }
        return groups;
    }

    private OpticsGroup groupOf(StarRow row, Map<Integer, OpticsGroup> groups) {
        if (!row.has("rlnOpticsGroup")) {
            // a single group needs no reference; with several, guessing would silently mix up CTFs
            if (groups.size() == 1) return groups.values().iterator().next();
            throw new InputException(file, "data_particles", "missing column _rlnOpticsGroup (the optics table has "
                    + groups.size() + " groups)");
        }
        int number = row.integer("rlnOpticsGroup");
        OpticsGroup g = groups.get(number);
        if (g == null)
            throw new InputException(file, row.where("rlnOpticsGroup"), "optics group " + number
                    + " does not exist in data_optics (groups: " + groups.keySet() + ")");
        return g;
    }

    private OpticsGroup opticsOfRow(StarRow row, OpticsGrouping grouping) {
        double pixelSize = pixelSizeOfRow(row);
        int box = row.has("rlnImageSize") ? row.integer("rlnImageSize") : -1;
        return grouping.groupOf(pixelSize, box, row.number("rlnVoltage"), row.number("rlnSphericalAberration"),
                row.number("rlnAmplitudeContrast"));
    }

    private double pixelSizeOfRow(StarRow row) {
        for (String c : List.of("rlnImagePixelSize", "rlnPixelSize"))
            if (row.has(c)) return positive(row, c, row.number(c));
        if (row.has("rlnDetectorPixelSize") && row.has("rlnMagnification")) {
            double magnification = positive(row, "rlnMagnification", row.number("rlnMagnification"));
            double pixelSize = row.number("rlnDetectorPixelSize") * 1e4 / magnification;
            return positive(row, "rlnDetectorPixelSize", pixelSize);
        }
        throw new InputException(file, row.where(), "no pixel size: needs a data_optics table, _rlnImagePixelSize, "
                + "_rlnPixelSize, or _rlnDetectorPixelSize (µm) with _rlnMagnification");
    }

    private double positive(StarRow row, String column, double v) {
        if (!(v > 0) || Double.isInfinite(v))
            throw new InputException(file, row.where(column), "must be positive, got " + v);
        return v;
    }

    private Particle particle(int r, StarRow row, OpticsGroup optics) {
        String imageName = row.has("rlnImageName") ? row.text("rlnImageName") : null;
        String where = imageName == null ? null : row.where("rlnImageName");
        double pixelSize = optics.pixelSize();
        double defocusU = row.number("rlnDefocusU");
        CtfParams ctf = new CtfParams(defocusU, row.numberOr("rlnDefocusV", defocusU), row.numberOr("rlnDefocusAngle", 0),
                optics.voltage(), optics.cs(), optics.ampContrast(), row.numberOr("rlnPhaseShift", 0),
                row.numberOr("rlnCtfBfactor", 0), row.numberOr("rlnCtfScalefactor", 1));
        return new Particle(r, imageName, imageName == null ? null : images.stack(imageName, where),
                imageName == null ? -1 : images.index(imageName, where),
                optics.number(), row.numberOr("rlnAngleRot", 0), row.numberOr("rlnAngleTilt", 0),
                row.numberOr("rlnAnglePsi", 0), originAngst(row, "X", pixelSize), originAngst(row, "Y", pixelSize),
                ctf, pixelSize, optics.box());
    }

    /** RELION 3.1+ stores origins in Å, RELION 3.0 in pixels. */
    private static double originAngst(StarRow row, String axis, double pixelSize) {
        if (row.has("rlnOrigin" + axis + "Angst")) return row.number("rlnOrigin" + axis + "Angst");
        if (row.has("rlnOrigin" + axis)) return row.number("rlnOrigin" + axis) * pixelSize;
        return 0;
    }
}
