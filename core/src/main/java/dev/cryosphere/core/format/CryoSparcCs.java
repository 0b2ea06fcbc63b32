package dev.cryosphere.core.format;

import dev.cryosphere.core.geometry.Euler;
import dev.cryosphere.core.geometry.Rotations;
import dev.cryosphere.core.physics.CtfParams;
import dev.cryosphere.core.util.InputException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * cryoSPARC particle metadata (.cs: a numpy structured array) to {@link ParticleSet}, in RELION conventions.
 *
 * <p>Conventions, taken from the two converters users compare against:
 * <ul>
 * <li>Rotation: cryoSPARC stores a rotation vector whose matrix is the transpose of RELION's A (the matrix applied
 * to the atoms). cryoDRGN's parse_pose_csparc takes {@code expmap(pose).T} and compares it with RELION's
 * Euler_angles2matrix from parse_pose_star; so A = fromRotationVector(pose)ᵀ, stored as RELION Euler angles.</li>
 * <li>Shift: cryoSPARC's alignments3D/shift (pixels of alignments3D/psize_A) has RELION's origin sign: cryoDRGN
 * turns both into its translation without a sign change ({@code shift / D} and {@code rlnOriginX / D}), and pyem's
 * csparc2star copies shift into rlnOriginX/Y unchanged. So originAngst = +shift × psize.</li>
 * <li>Angles in radians (defocus angle, phase shift) become degrees, as RELION stores them.</li>
 * </ul>
 * Particles without alignments3D/pose or alignments3D/shift (e.g. straight after import or 2D classification) read
 * with the identity rotation and zero shift, and the set names the missing fields in
 * {@link ParticleSet#missingPoseColumns()}: jobs that use poses refuse it ({@link ParticleSet#requirePoses}).
 * Optics groups are built from distinct (pixel size, box, voltage, Cs, Q0).
 */
public final class CryoSparcCs {
    private CryoSparcCs() {}

    private static final List<String> REQUIRED = List.of("blob/path", "blob/idx", "blob/psize_A", "ctf/df1_A",
            "ctf/df2_A", "ctf/df_angle_rad", "ctf/accel_kv", "ctf/cs_mm", "ctf/amp_contrast");

    /** @param root directory that relative blob paths start from (cryoSPARC writes them relative to the project) */
    public static ParticleSet read(Path file, Path root) {
        NpyStructuredArray cs = NpyStructuredArray.read(file);
        for (String f : REQUIRED) cs.field(f);
        if (cs.size() == 0) throw new InputException(file, null, "no particles (the array is empty)");
        if (cs.size() > Integer.MAX_VALUE) throw new InputException(file, null, "too many particles");
        ImagePaths images = new ImagePaths(file, root);
        OpticsGrouping grouping = new OpticsGrouping();
        List<Particle> particles = new ArrayList<>((int) cs.size());
        for (int r = 0; r < cs.size(); r++) particles.add(particle(cs, r, images, grouping));
        List<String> missing = new ArrayList<>();
        for (String f : List.of("alignments3D/pose", "alignments3D/shift")) if (!cs.has(f)) missing.add(f);
        return new ParticleSet(file, particles, grouping.groups(), missing);
    }

    private static Particle particle(NpyStructuredArray cs, int r, ImagePaths images, OpticsGrouping grouping) {
        String where = "row " + (r + 1);
        // '>' marks paths that cryoSPARC imported (relative to the import job, not the project)
        String path = stripImportMarker(cs.string(r, "blob/path"));
        long index = (long) cs.number(r, "blob/idx");
        double pixelSize = cs.number(r, "blob/psize_A");
        if (!(pixelSize > 0)) throw new InputException(cs.file(), where + ", field blob/psize_A", "must be positive, got " + pixelSize);
        int box = cs.has("blob/shape") ? (int) cs.number(r, "blob/shape", 0) : -1;

        double voltage = cs.number(r, "ctf/accel_kv"), sphericalAberration = cs.number(r, "ctf/cs_mm");
        double q0 = cs.number(r, "ctf/amp_contrast");
        OpticsGroup group = grouping.groupOf(pixelSize, box, voltage, sphericalAberration, q0);
        CtfParams ctf = new CtfParams(cs.number(r, "ctf/df1_A"), cs.number(r, "ctf/df2_A"),
                Math.toDegrees(cs.number(r, "ctf/df_angle_rad")), voltage, sphericalAberration, q0,
                cs.has("ctf/phase_shift_rad") ? Math.toDegrees(cs.number(r, "ctf/phase_shift_rad")) : 0,
                cs.has("ctf/bfactor") ? cs.number(r, "ctf/bfactor") : 0,
                cs.has("ctf/scale") ? cs.number(r, "ctf/scale") : 1);

        double[] euler = {0, 0, 0};
        if (cs.has("alignments3D/pose")) {
            double[] a = Rotations.transpose(Rotations.fromRotationVector(cs.number(r, "alignments3D/pose", 0),
                    cs.number(r, "alignments3D/pose", 1), cs.number(r, "alignments3D/pose", 2)));
            euler = Euler.fromMatrix(a);
        }
        double originX = 0, originY = 0;
        if (cs.has("alignments3D/shift")) {
            double shiftPixel = cs.has("alignments3D/psize_A") ? cs.number(r, "alignments3D/psize_A") : pixelSize;
            originX = cs.number(r, "alignments3D/shift", 0) * shiftPixel;
            originY = cs.number(r, "alignments3D/shift", 1) * shiftPixel;
        }
        String imageName = (index + 1) + "@" + path;
        return new Particle(r, imageName, images.resolve(path, where + ", field blob/path"), index, group.number(),
                euler[0], euler[1], euler[2], originX, originY, ctf, pixelSize, box);
    }

    private static String stripImportMarker(String path) {
        return path.startsWith(">") ? path.substring(1) : path;
    }
}
