#!/usr/bin/python3
"""Independent validation particle sets: full-atom maps (gemmi), projected with CTF by RELION.

The project's simulator renders one Gaussian per residue, the very model the trainer inverts. These sets are made
without any of the project's code: each conformation's full-atom Coulomb potential is computed by gemmi
(DensityCalculatorE: electron scattering factors of every atom, hydrogens included when the file has them, uniform
B-factor) on a fine grid, Fourier-cropped to the particle grid by relion_image_handler --rescale_angpix, and projected
with its particles' poses, shifts and CTFs by relion_project --ctf. White Gaussian noise is added here with numpy.

Sets (--set):
  hinge       chain A of cryosphere_base_structure_flex_centered.pdb (503 residues): residues A:321-503 rotate
              rigidly about the axis through the CAs of A:320 and A:22 (two residues at the domain interface);
              angle uniform in [-20, 20] degrees, discretised into --bins conformations (default 100).
  two-hinges  the intact IgG 1IGY (chains A-D, glycans removed): each Fab arm (light chain + heavy chain up to
              residue 229) rotates about its own axis (Fab 1 = A + B:2-229 about B:226-A:214, Fab 2 = C + D:2-229
              about D:226-C:214), two angles drawn independently in [-20, 20] degrees, each cut into --bins values
              (default 10, i.e. 10 x 10 = 100 conformations).
  igg-1d      CryoBench's IgG-1D recipe (Jeon et al. 2024, arXiv:2408.05526; ml-struct-bio/CryoBench) rebuilt from 1IGY
              (chains A-D, glycans removed, as two-hinges): one Fab arm (the whole light chain A + heavy chain B:2-223,
              i.e. VL, CL, VH, CH1) turns rigidly about the virtual bond CA(B:223) -> CA(B:226), the peptide that joins
              the last CH1 residue to the first upper-hinge residue (Val 226 of the mouse IgG1 hinge VPRD-CGCKPCICT;
              1IGY numbers it 223 -> 226, the two CAs are 3.80 A apart). Fc, hinge and the other Fab stay put.
              Angles: CryoBench's, a full turn in 100 steps of 3.6 degrees (their metrics/visualization code labels
              IgG-1D's conformations np.linspace(0, 356.4, 100)): --bins 100 over [-1.8, 358.2], bin centres 0, 3.6,
              ..., 356.4 degrees, angle 0 = the crystal structure. count/100 particles per conformation (CryoBench:
              1,000 each), shuffled. Why this bond: CryoBench turns one dihedral of a bond in the linker of
              its own IgG model; among the heavy-chain bonds from B:210 to the first hinge cysteine, a full turn about
              B:223 -> B:226 keeps the arm clearest of the rest of 1IGY (no moving/fixed CA pair closer than 3.8 A at
              72 of the 100 angles, at most 4 such pairs at the others); the bonds inside the upper hinge are clear
              at 12 to 49 angles (B:228 -> B:229: 49) and B:229 -> B:235 (the Fab selection of two-hinges) at 15.
              A rotation about a CA-CA virtual bond, not an exact backbone phi/psi: the peptide plane between the two
              CAs is the only place where bond geometry changes (the carbonyl C of B:223 is 0.54 A off the axis, so
              its peptide bond to N of B:226 stretches by up to about 1 A at 180 degrees).
              Defaults that follow CryoBench: 100 conformations, the angles, SNR 0.01, balanced conformations. That
              differ, for 2-core runs: 10,000 particles (CryoBench 100,000: --count 100000), 64 px (CryoBench 256 px
              Fourier-cropped to 128), pixel size from the structure (3.65 A at 64 px; CryoBench 1.5 A -> 3.0 A: --box 128
              --apix 3.0 gives their final grid), origins Gaussian sd 3 A (CryoBench uniform in +-20 px at 1.5 A, i.e.
              +-30 A), CTFs drawn as below (CryoBench samples an experimental set's CTF parameters). The images are
              not CryoBench's: their maps are their own (CryoBench's cryosim/pdb2mrc.py uses ChimeraX molmap at 3 A;
              which tool made IgG-1D's volumes its code does not say), their projector cryoDRGN's, their noise is set
              from the std of the whole 256 px stack before the 2x Fourier crop (so 0.01 there is less noise per
              128 px pixel than 0.01 here) and their images are contrast-inverted.
  two-states  adenylate kinase open (4AKE) and closed (1AKE), adk_open_std.pdb / adk_closed_std.pdb: the closed
              structure superposed on the open one by the CAs of the CORE (A:1-29, A:60-121, A:160-214), 50/50.

Frame: the project's box frame (README "Conventions", core.geometry.ImageGrid): coordinates in Angstrom relative to
the box centre (pixel N/2 of every axis); the base structure's CA centroid is put at (0,0,0), as `simulate --center`.

Per particle: pose uniform on SO(3) (rot, psi uniform in [-180, 180), tilt = arccos(uniform[-1, 1])), origin
(rlnOriginX/YAngst) Gaussian with sd --shift-sd per axis, DefocusU uniform in [--defocus], DefocusV = U - uniform[0,
--astigmatism], DefocusAngle uniform [0, 180), --voltage, --cs, --amp-contrast. The conformation is drawn uniformly
among the bins (equivalently: a uniform parameter rounded to its bin centre; the truth records the bin's value);
igg-1d and two-states instead give every conformation count / K particles (+1 for the first count mod K), shuffled.

Noise (SNR definition, the same as `cryosphere simulate`): S = mean over all particles of the variance of the
noise-free image (population variance over its N x N pixels); each pixel gets independent N(0, S / SNR) noise.

Output folder (--out): particles.star (RELION 3.1: optics + particles), particles.mrcs (noisy), particles_clean.mrcs
(the first --clean noise-free images, same order), ground_truth.csv (the columns of `cryosphere simulate`; the
conformation column is the bin index; two-hinges adds hinge2_angle_deg), base.pdb (the base structure's CA sites in
the project's coarse-grained PDB format: amplitude = residue electrons in the B column), base_atoms.pdb (all atoms of
the base structure in the box frame: what the maps were made from), conformations/conformation_KKK.pdb (CA sites of
every conformation; discrete sets also conformations/atoms_KKK.pdb), truth.json (the motion, for scoring),
provenance.json (command line, tool versions, parameters, input checksums), checksums.sha256. --keep-maps also keeps
maps/conformation_KKK.mrc. The same arguments give byte-identical data files.

usage: make_sets.py --set hinge --out DIR [--count 2000] [--box 64] [--apix auto] [--snr 0.1] [--seed 0] ...
       (igg-1d: --count 10000 --snr 0.01 by default)
"""
import argparse
import hashlib
import json
import multiprocessing
import os
import platform
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np
import gemmi

FORMAT = "cryosphere-external-set 1"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_STRUCTURES = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data", "structures"))

SETS = {
    "hinge": dict(kind="hinge", files=["cryosphere_base_structure_flex_centered.pdb"], chains=["A"],
                  hinges=[dict(moving="A:321-503", axis="A:320,A:22", angles=[-20.0, 20.0])], bins=100),
    "two-hinges": dict(kind="hinges", files=["1igy.pdb"], chains=["A", "B", "C", "D"],
                       hinges=[dict(moving="A+B:2-229", axis="B:226,A:214", angles=[-20.0, 20.0]),
                               dict(moving="C+D:2-229", axis="D:226,C:214", angles=[-20.0, 20.0])], bins=10),
    "igg-1d": dict(kind="hinge", files=["1igy.pdb"], chains=["A", "B", "C", "D"],
                   hinges=[dict(moving="A+B:2-223", axis="B:223,B:226", angles=[-1.8, 358.2])], bins=100,
                   balanced=True, defaults=dict(count=10000, snr=0.01),
                   recipe="CryoBench IgG-1D (arXiv:2408.05526): one Fab turned about one hinge bond, 100 conformations "
                          "3.6 degrees apart over a full turn; rebuilt from 1IGY with gemmi + RELION, not CryoBench's "
                          "images (see make_sets.py's docstring)"),
    "two-states": dict(kind="discrete", files=["adk_open_std.pdb", "adk_closed_std.pdb"], chains=["A"],
                       superpose="A:1-29+A:60-121+A:160-214"),
}


# ----------------------------------------------------------------------------------------------------------------
# structures

def parse_selection(text):
    """The project's ResidueSelection syntax: CHAIN:FROM-TO, CHAIN:N or CHAIN, joined by '+'; '_' = blank chain."""
    parts = []
    for p in text.split("+"):
        chain, _, rng = p.strip().partition(":")
        chain = " " if chain == "_" else chain
        if not rng:
            parts.append((chain, -10 ** 9, 10 ** 9))
        elif "-" in rng[1:]:
            i = rng.index("-", 1)
            parts.append((chain, int(rng[:i]), int(rng[i + 1:])))
        else:
            parts.append((chain, int(rng), int(rng)))
    return parts


def selected(residues, text):
    parts = parse_selection(text)
    idx = [i for i, (c, n, _) in enumerate(residues) if any(c == pc and lo <= n <= hi for pc, lo, hi in parts)]
    if not idx:
        sys.exit("selection %s matches no residue" % text)
    return np.array(idx)


def single(residues, text):
    idx = selected(residues, text)
    if len(idx) != 1:
        sys.exit("selection %s matches %d residues, expected one" % (text, len(idx)))
    return int(idx[0])


def load(path, chains):
    """Protein/nucleic residues with a CA (carbon) or C1' site, first altloc, ligands and waters removed."""
    st = gemmi.read_structure(path)
    st.setup_entities()
    st.remove_alternative_conformations()
    st.remove_ligands_and_waters()
    st.remove_empty_chains()
    model = st[0]
    for name in [ch.name for ch in model]:
        if name not in chains:
            model.remove_chain(name)
    for ch in model:
        for i in reversed(range(len(ch))):
            r = ch[i]
            ca = r.find_atom("CA", "*")
            c1 = r.find_atom("C1'", "*")
            if not ((ca is not None and ca.element.name == "C") or c1 is not None):
                del ch[i]
    st.remove_empty_chains()
    return st


def atoms_of(st):
    """(xyz [n,3], residue index per atom, residues [(chain, num, icode)], site index per residue, electrons)."""
    xyz, res_of, residues, site, electrons = [], [], [], [], []
    for ch in st[0]:
        for r in ch:
            k = len(residues)
            residues.append((ch.name, r.seqid.num, r.seqid.icode))
            e = 0
            s = None
            for a in r:
                if s is None and a.name in ("CA", "C1'"):
                    s = len(xyz)
                xyz.append(a.pos.tolist())
                res_of.append(k)
                e += a.element.atomic_number
            site.append(s)
            electrons.append(e)
    return np.array(xyz), np.array(res_of), residues, np.array(site), np.array(electrons, dtype=float)


def set_positions(st, xyz):
    i = 0
    for ch in st[0]:
        for r in ch:
            for a in r:
                a.pos = gemmi.Position(*xyz[i])
                i += 1
    assert i == len(xyz)


def kabsch(mobile, target):
    """Rotation R and translation t with R @ mobile + t ~ target (least squares)."""
    mc, tc = mobile.mean(0), target.mean(0)
    h = (mobile - mc).T @ (target - tc)
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1, 1, d]) @ u.T
    return r, tc - r @ mc


def axis_rotation(axis, deg):
    """Right-handed rotation about a unit axis (core.geometry.Rotations.fromAxisAngle)."""
    x, y, z = axis
    a = np.radians(deg)
    c, s, t = np.cos(a), np.sin(a), 1 - np.cos(a)
    return np.array([[t * x * x + c, t * x * y - s * z, t * x * z + s * y],
                     [t * x * y + s * z, t * y * y + c, t * y * z - s * x],
                     [t * x * z - s * y, t * y * z + s * x, t * z * z + c]])


def hinge_apply(xyz, res_of, residues, site, h, deg):
    """Rotates the atoms of h's moving residues by deg about the axis from CA(axis[0]) to CA(axis[1])."""
    a, b = h["axis"].split(",")
    p0 = xyz[site[single(residues, a)]]
    p1 = xyz[site[single(residues, b)]]
    axis = (p1 - p0) / np.linalg.norm(p1 - p0)
    moving = np.isin(res_of, selected(residues, h["moving"]))
    out = xyz.copy()
    out[moving] = (xyz[moving] - p0) @ axis_rotation(axis, deg).T + p0
    return out


def write_sites_pdb(path, residues, names, sites, electrons):
    """The project's coarse-grained PDB (core.format.AtomicModelWriter): one CA per residue, B = electrons."""
    lines = ["REMARK   1 CRYOSPHERE COARSE-GRAINED MODEL: ONE SITE PER RESIDUE (CA OR C1')",
             "REMARK   2 B-FACTOR COLUMN = RESIDUE ELECTRON COUNT (GAUSSIAN AMPLITUDE)"]
    serial = 0
    for i, (chain, num, icode) in enumerate(residues):
        serial += 1
        site_name = "CA" if names[i][1] == "CA" else "C1'"
        lines.append("ATOM  %5d %-4s %3s %s%4d%s   %8.3f%8.3f%8.3f%6.2f%6.2f          %2s" % (
            serial % 100000, " " + site_name, names[i][0], chain, num, icode, sites[i][0], sites[i][1], sites[i][2],
            1.0, min(electrons[i], 999.99), "C"))
        if i + 1 == len(residues) or residues[i + 1][0] != chain:
            serial += 1
            lines.append("TER   %5d      %3s %s%4d%s" % (serial % 100000, names[i][0], chain, num, icode))
    lines.append("END")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def diameter(xyz):
    """Largest distance between two atoms (blockwise |a|^2 + |b|^2 - 2 a.b, then exact on the best pair's block)."""
    x = xyz - xyz.mean(0)
    sq = (x * x).sum(1)
    best, pair = -1.0, (0, 0)
    for i in range(0, len(x), 1024):
        d = sq[i:i + 1024, None] + sq[None, :] - 2.0 * (x[i:i + 1024] @ x.T)
        j = int(np.argmax(d))
        if d.flat[j] > best:
            best, pair = float(d.flat[j]), (i + j // len(x), j % len(x))
    return float(np.linalg.norm(xyz[pair[0]] - xyz[pair[1]]))


# ----------------------------------------------------------------------------------------------------------------
# MRC and STAR

def read_mrc(path):
    with open(path, "rb") as f:
        head = f.read(1024)
        nx, ny, nz, mode = struct.unpack("<4i", head[:16])
        nsymbt = struct.unpack("<i", head[92:96])[0]
        if mode != 2:
            sys.exit("%s: MRC mode %d, expected 2 (float32)" % (path, mode))
        f.seek(1024 + nsymbt)
        data = np.frombuffer(f.read(nx * ny * nz * 4), dtype="<f4")
    return data.reshape(nz, ny, nx)


def write_mrcs(path, stack, apix):
    """float32 MRC2014 image stack (ispg 0), as core.format.MrcStackWriter writes."""
    stack = np.ascontiguousarray(stack, dtype="<f4")
    nz, ny, nx = stack.shape
    h = bytearray(1024)
    struct.pack_into("<10i", h, 0, nx, ny, nz, 2, 0, 0, 0, nx, ny, nz)
    struct.pack_into("<6f", h, 40, nx * apix, ny * apix, nz * apix, 90, 90, 90)
    struct.pack_into("<3i", h, 64, 1, 2, 3)
    struct.pack_into("<3f", h, 76, float(stack.min()), float(stack.max()), float(stack.mean(dtype=np.float64)))
    struct.pack_into("<2i", h, 88, 0, 0)
    struct.pack_into("<i", h, 108, 20140)
    h[208:212] = b"MAP "
    h[212:214] = b"\x44\x44"
    struct.pack_into("<f", h, 216, float(stack.std(dtype=np.float64)))
    with open(path, "wb") as f:
        f.write(bytes(h))
        f.write(stack.tobytes())


PARTICLE_COLUMNS = ["rlnImageName", "rlnAngleRot", "rlnAngleTilt", "rlnAnglePsi", "rlnOriginXAngst",
                    "rlnOriginYAngst", "rlnDefocusU", "rlnDefocusV", "rlnDefocusAngle", "rlnPhaseShift",
                    "rlnCtfBfactor", "rlnCtfScalefactor", "rlnOpticsGroup"]


def write_star(path, p, rows, a, image_names):
    out = ["", "# version 30001", "", "data_optics", "", "loop_"]
    cols = ["rlnOpticsGroup", "rlnOpticsGroupName", "rlnAmplitudeContrast", "rlnSphericalAberration", "rlnVoltage",
            "rlnImagePixelSize", "rlnImageSize", "rlnImageDimensionality"]
    out += ["_%s #%d" % (c, i + 1) for i, c in enumerate(cols)]
    out.append("1 opticsGroup1 %.4f %.4f %.4f %.6f %d 2" % (a.amp_contrast, a.cs, a.voltage, a.apix, a.box))
    out += ["", "", "# version 30001", "", "data_particles", "", "loop_"]
    cols = PARTICLE_COLUMNS if image_names is not None else PARTICLE_COLUMNS[1:]
    out += ["_%s #%d" % (c, i + 1) for i, c in enumerate(cols)]
    for k, i in enumerate(rows):
        line = "%.6f %.6f %.6f %.6f %.6f %.3f %.3f %.4f 0.0 0.0 1.0 1" % (
            p["rot"][i], p["tilt"][i], p["psi"][i], p["ox"][i], p["oy"][i], p["dfu"][i], p["dfv"][i], p["dfa"][i])
        out.append((image_names[k] + " " if image_names is not None else "") + line)
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n\n")


# ----------------------------------------------------------------------------------------------------------------
# one conformation: map + projections (runs in a worker process)

def project_conformation(job):
    k, xyz, rows, p, a, source, tmp, keep_map = job
    st = gemmi.read_structure(source)   # the atoms (names, elements) of this conformation, moved to xyz below
    L = a.box * a.apix
    set_positions(st, xyz + L / 2.0)      # box frame (0 = box centre) -> cell frame (0 = corner)
    for ch in st[0]:
        for r in ch:
            for at in r:
                at.occ = 1.0
                at.b_iso = a.bfactor
                at.aniso = gemmi.SMat33f(0, 0, 0, 0, 0, 0)
    st.cell = gemmi.UnitCell(L, L, L, 90, 90, 90)
    st.spacegroup_hm = "P 1"
    dc = gemmi.DensityCalculatorE()
    dc.d_min = 2.0 * a.apix / a.oversample   # grid spacing = d_min / (2 rate)
    dc.rate = 1.0
    dc.set_grid_cell_and_spacegroup(st)
    dc.put_model_density_on_grid(st[0])
    n = a.box * a.oversample
    if (dc.grid.nu, dc.grid.nv, dc.grid.nw) != (n, n, n):
        raise RuntimeError("gemmi chose a %dx%dx%d grid, expected %d^3" % (dc.grid.nu, dc.grid.nv, dc.grid.nw, n))
    fine = os.path.join(tmp, "fine_%03d.mrc" % k)
    m = gemmi.Ccp4Map()
    m.grid = dc.grid
    m.update_ccp4_header(2, True)
    m.write_ccp4_map(fine)
    vol = os.path.join(tmp, "map_%03d.mrc" % k)
    run(["relion_image_handler", "--i", fine, "--o", vol, "--rescale_angpix", "%.6f" % a.apix])
    os.remove(fine)
    star = os.path.join(tmp, "particles_%03d.star" % k)
    write_star(star, p, rows, a, None)
    root = os.path.join(tmp, "proj_%03d" % k)
    run(["relion_project", "--i", vol, "--ang", star, "--o", root, "--ctf", "--angpix", "%.6f" % a.apix])
    images = read_mrc(root + ".mrcs").copy()
    if images.shape != (len(rows), a.box, a.box):
        raise RuntimeError("relion_project wrote %s, expected %d images of %d px" % (images.shape, len(rows), a.box))
    for f in (star, root + ".mrcs", root + ".star"):
        os.remove(f)
    if not keep_map:
        os.remove(vol)
    return k, images


def run(cmd):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed (exit %d):\n%s" % (" ".join(cmd), r.returncode, r.stdout[-2000:]))


# ----------------------------------------------------------------------------------------------------------------

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tool_versions():
    v = {"python": platform.python_version(), "gemmi": gemmi.__version__, "numpy": np.__version__}
    try:
        out = subprocess.run(["relion_project", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True).stdout
        v["relion"] = " ".join(out.split())
    except OSError:
        v["relion"] = "not found"
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Package}=${Version}\\n", "relion", "python3-gemmi",
                              "python3-numpy"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
        v["debian_packages"] = out.split()
    except OSError:
        pass
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", required=True, choices=sorted(SETS))
    ap.add_argument("--out", required=True, help="output folder (must not exist unless --overwrite)")
    ap.add_argument("--structures", default=DEFAULT_STRUCTURES, help="folder of the input structures (%(default)s)")
    ap.add_argument("--count", type=int, default=None, help="particles (2000; igg-1d: 10000)")
    ap.add_argument("--box", type=int, default=64, help="image side, px (%(default)s)")
    ap.add_argument("--apix", type=float, default=None,
                    help="pixel size, A (default: the smallest multiple of 0.05 A with box*apix >= 1.5 x the largest "
                         "atom-atom distance over the base and the extreme conformations)")
    ap.add_argument("--snr", type=float, default=None,
                    help="signal-to-noise ratio, see above; 0 = no noise (0.1; igg-1d: 0.01, CryoBench's)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (%(default)s)")
    ap.add_argument("--bins", type=int, default=None,
                    help="conformations per motion parameter (hinge, igg-1d: 100; two-hinges: 10 per angle)")
    ap.add_argument("--angles", default=None,
                    help="MIN:MAX hinge angle range, degrees (default -20:20; igg-1d: -1.8:358.2, a full turn)")
    ap.add_argument("--shift-sd", type=float, default=3.0, help="origin sd per axis, A (%(default)s)")
    ap.add_argument("--defocus", default="10000:25000", help="DefocusU range, A (%(default)s)")
    ap.add_argument("--astigmatism", type=float, default=500.0, help="DefocusV = U - uniform[0, this], A (%(default)s)")
    ap.add_argument("--voltage", type=float, default=300.0, help="kV (%(default)s)")
    ap.add_argument("--cs", type=float, default=2.7, help="mm (%(default)s)")
    ap.add_argument("--amp-contrast", type=float, default=0.1, help="Q0 (%(default)s)")
    ap.add_argument("--bfactor", type=float, default=50.0, help="uniform atomic B-factor for the maps, A^2 (%(default)s)")
    ap.add_argument("--oversample", type=int, default=4, help="gemmi grid = apix / this (%(default)s)")
    ap.add_argument("--clean", type=int, default=16, help="noise-free images kept (the first N; -1 = all) (%(default)s)")
    ap.add_argument("--keep-maps", action="store_true", help="keep each conformation's map in maps/")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel conformations (%(default)s)")
    ap.add_argument("--overwrite", action="store_true")
    a = ap.parse_args()
    t_start = time.time()
    spec = SETS[a.set]
    for key, value in dict(dict(count=2000, snr=0.1), **spec.get("defaults", {})).items():
        if getattr(a, key) is None:
            setattr(a, key, value)
    if a.angles:
        lo, hi = (float(v) for v in a.angles.split(":"))
        for h in spec.get("hinges", []):
            h["angles"] = [lo, hi]
    if a.count < 1 or a.box < 8 or a.box % 2:
        sys.exit("--count must be >= 1 and --box even and >= 8")
    if os.path.exists(a.out):
        if not a.overwrite:
            sys.exit("%s exists (use --overwrite)" % a.out)
        shutil.rmtree(a.out)
    for tool in ("relion_project", "relion_image_handler"):
        if shutil.which(tool) is None:
            sys.exit("%s not found: apt-get install relion" % tool)

    # --- structures, in the box frame (base CA centroid at the box centre), as written to base_atoms.pdb
    inputs = [os.path.join(a.structures, f) for f in spec["files"]]
    sts = [load(f, spec["chains"]) for f in inputs]
    xyz0, res_of, residues, site, electrons = atoms_of(sts[0])
    names = [(r.name, "CA" if r.find_atom("CA", "*") else "C1'") for ch in sts[0][0] for r in ch]
    centre = xyz0[site].mean(0)
    conf_xyz_in = [xyz0]
    for st in sts[1:]:
        x, ro, rs, si, el = atoms_of(st)
        same_atoms = [a.name for ch in st[0] for r in ch for a in r] == [a.name for ch in sts[0][0] for r in ch for a in r]
        if rs != residues or not same_atoms:
            sys.exit("%s does not have the same atoms as %s" % (st.name, inputs[0]))
        if spec.get("superpose"):
            core = selected(residues, spec["superpose"])
            r, t = kabsch(x[si[core]], xyz0[site[core]])
            x = x @ r.T + t
        conf_xyz_in.append(x)
    tmp = tempfile.mkdtemp(prefix="extsets_")
    os.makedirs(a.out)
    os.makedirs(os.path.join(a.out, "conformations"))
    base_atoms = os.path.join(a.out, "base_atoms.pdb")
    for st, x in zip(sts, conf_xyz_in):
        set_positions(st, x - centre)
        st.cell = gemmi.UnitCell(1, 1, 1, 90, 90, 90)   # no crystal cell (written as CRYST1 1 1 1 P 1, "none")
    sts[0].write_minimal_pdb(base_atoms)
    # read back: everything below uses the coordinates as written (PDB precision)
    xyz, _, _, _, _ = atoms_of(gemmi.read_structure(base_atoms))
    atoms_files = []
    if spec["kind"] == "discrete":
        atoms_files = []
        for k, st in enumerate(sts):
            f = os.path.join(a.out, "conformations", "atoms_%03d.pdb" % k)
            st.write_minimal_pdb(f)
            atoms_files.append(f)

    # --- conformations
    hinges = spec.get("hinges", [])
    if spec["kind"] == "discrete":
        conf_xyz = [atoms_of(gemmi.read_structure(f))[0] for f in atoms_files]
        params = [[] for _ in conf_xyz]
        extremes = conf_xyz
    else:
        bins = a.bins or spec["bins"]
        centres = [[h["angles"][0] + (b + 0.5) * (h["angles"][1] - h["angles"][0]) / bins for b in range(bins)]
                   for h in hinges]
        grid = np.stack(np.meshgrid(*centres, indexing="ij"), -1).reshape(-1, len(hinges))
        params = [list(g) for g in grid]

        def conformation(values):
            x = xyz
            for h, v in zip(hinges, values):
                x = hinge_apply(x, res_of, residues, site, h, v)
            return x
        conf_xyz = None
        # the range ends; a range wider than 40 degrees (igg-1d's full turn) also every 15 degrees in between
        ends = [h["angles"] if h["angles"][1] - h["angles"][0] <= 40 else
                list(np.linspace(h["angles"][0], h["angles"][1], int(np.ceil((h["angles"][1] - h["angles"][0]) / 15)) + 1))
                for h in hinges]
        corners = np.stack(np.meshgrid(*ends, indexing="ij"), -1).reshape(-1, len(hinges))
        extremes = [xyz] + [conformation(c) for c in corners]
    dmax = max(diameter(x) for x in extremes)
    rmax = max(float(np.linalg.norm(x, axis=1).max()) for x in extremes)
    if a.apix is None:
        a.apix = round(float(np.ceil(1.5 * dmax / a.box / 0.05 - 1e-9) * 0.05), 4)
    if a.box * a.apix < 2 * rmax:
        print("warning: atoms reach %.1f A from the box centre, the box half-width is %.1f A"
              % (rmax, a.box * a.apix / 2), file=sys.stderr)
    K = len(params)

    # --- per-particle draws (all from one seeded generator, in this order; the noise from a second one)
    ss = np.random.SeedSequence(a.seed)
    rng, noise_rng = (np.random.default_rng(s) for s in ss.spawn(2))
    n = a.count
    if spec["kind"] == "discrete" or spec.get("balanced"):
        conf = rng.permutation(np.arange(n) % K)   # every conformation count // K or count // K + 1 times
    else:
        conf = rng.integers(0, K, n)
    dlo, dhi = (float(v) for v in a.defocus.split(":"))
    p = dict(rot=rng.uniform(-180, 180, n), tilt=np.degrees(np.arccos(rng.uniform(-1, 1, n))),
             psi=rng.uniform(-180, 180, n), ox=a.shift_sd * rng.standard_normal(n),
             oy=a.shift_sd * rng.standard_normal(n), dfu=rng.uniform(dlo, dhi, n))
    p["dfv"] = p["dfu"] - a.astigmatism * rng.uniform(0, 1, n)
    p["dfa"] = rng.uniform(0, 180, n)
    # round to what the STAR file holds, so that its reader reproduces the images exactly
    for key, digits in (("rot", 6), ("tilt", 6), ("psi", 6), ("ox", 6), ("oy", 6), ("dfu", 3), ("dfv", 3), ("dfa", 4)):
        p[key] = np.round(p[key], digits)

    # --- CA sites of every conformation (truth) and the maps + projections of the used ones
    contacts = None
    if len(hinges) == 1:
        # moving/fixed CA pairs closer than 3.8 A (the axis residues' own pair excluded): where the arm runs into the
        # rest (a full turn does at some angles; the maps then simply add up)
        moving_res = np.isin(np.arange(len(residues)), selected(residues, hinges[0]["moving"]))
        axis_res = [single(residues, r) for r in hinges[0]["axis"].split(",")]
        contacts = []
    for k in range(K):
        x = conf_xyz[k] if conf_xyz is not None else conformation(params[k])
        write_sites_pdb(os.path.join(a.out, "conformations", "conformation_%03d.pdb" % k), residues, names,
                        x[site], electrons)
        if contacts is not None:
            s = x[site]
            d = np.sqrt(((s[moving_res][:, None] - s[~moving_res][None]) ** 2).sum(-1))
            d[np.ix_(np.isin(np.nonzero(moving_res)[0], axis_res), np.isin(np.nonzero(~moving_res)[0], axis_res))] = np.inf
            contacts.append(int((d < 3.8).sum()))
    write_sites_pdb(os.path.join(a.out, "base.pdb"), residues, names, xyz[site], electrons)
    jobs = []
    for k in range(K):
        rows = np.nonzero(conf == k)[0]
        if len(rows):
            x = conf_xyz[k] if conf_xyz is not None else conformation(params[k])
            source = atoms_files[k] if atoms_files else base_atoms
            jobs.append((k, x, rows, p, a, source, tmp, a.keep_maps))
    clean = np.zeros((n, a.box, a.box), dtype=np.float32)
    t_proj = time.time()
    with multiprocessing.Pool(max(1, min(a.jobs, len(jobs)))) as pool:
        for done, (k, images) in enumerate(pool.imap_unordered(project_conformation, jobs), 1):
            clean[np.nonzero(conf == k)[0]] = images
            if sys.stdout.isatty() or done == len(jobs):
                print("\rmake_sets: %s: %d/%d conformations projected" % (a.set, done, len(jobs)), end="", flush=True)
    print()
    t_proj = time.time() - t_proj
    if a.keep_maps:
        os.makedirs(os.path.join(a.out, "maps"))
        for k in range(K):
            src = os.path.join(tmp, "map_%03d.mrc" % k)
            if os.path.exists(src):
                shutil.move(src, os.path.join(a.out, "maps", "conformation_%03d.mrc" % k))
    shutil.rmtree(tmp)

    # --- noise: variance (mean over particles of the per-image clean variance) / SNR
    mean_var = float(np.mean(clean.reshape(n, -1).var(axis=1, dtype=np.float64)))
    noise_sd = (mean_var / a.snr) ** 0.5 if a.snr > 0 else 0.0
    noisy = clean + (noise_sd * noise_rng.standard_normal(clean.shape)).astype(np.float32) if noise_sd > 0 else clean
    write_mrcs(os.path.join(a.out, "particles.mrcs"), noisy, a.apix)
    keep = n if a.clean < 0 else min(a.clean, n)
    if keep > 0:
        write_mrcs(os.path.join(a.out, "particles_clean.mrcs"), clean[:keep], a.apix)
    write_star(os.path.join(a.out, "particles.star"), p, range(n), a,
               ["%06d@particles.mrcs" % (i + 1) for i in range(n)])

    # --- ground truth in `cryosphere simulate`'s format
    cols = ("particle_index,conformation,hinge_angle_deg,rot,tilt,psi,origin_x_A,origin_y_A,defocus_u_A,defocus_v_A,"
            "defocus_angle_deg,voltage_kV,cs_mm,amp_contrast")
    if len(hinges) > 1:
        cols += ",hinge2_angle_deg"
    with open(os.path.join(a.out, "ground_truth.csv"), "w") as f:
        f.write(cols + "\n")
        for i in range(n):
            v = params[conf[i]]
            f.write("%d,%d,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f,%.4f,%.3f,%.4f,%.4f%s\n" % (
                i, conf[i], "%.6f" % v[0] if v else "", p["rot"][i], p["tilt"][i], p["psi"][i], p["ox"][i],
                p["oy"][i], p["dfu"][i], p["dfv"][i], p["dfa"][i], a.voltage, a.cs, a.amp_contrast,
                ",%.6f" % v[1] if len(v) > 1 else ""))

    truth = dict(format=FORMAT, set=a.set, kind=spec["kind"], count=n, box=a.box, apix=a.apix, snr=a.snr,
                 seed=a.seed, conformations=K, frame="Angstrom, (0,0,0) = box centre (pixel N/2); base CA centroid "
                 "at the centre", residues=len(residues), atoms=len(xyz), base="base.pdb", base_atoms="base_atoms.pdb",
                 conformation_sites="conformations/conformation_%03d.pdb")
    if hinges:
        truth["hinges"] = [dict(moving=h["moving"], axis=h["axis"], angles=h["angles"], bins=a.bins or spec["bins"],
                                column="hinge_angle_deg" if j == 0 else "hinge2_angle_deg",
                                bin_centres=centres[j]) for j, h in enumerate(hinges)]
        if spec.get("balanced"):
            truth["conformation_draw"] = "balanced: particle i has conformation (i mod K) before a seeded shuffle"
        if spec.get("recipe"):
            truth["recipe"] = spec["recipe"]
        truth["conformation_index"] = ("row-major over the hinges' bins: conformation = sum_j bin_j * prod_{l>j} "
                                       "bins_l; each angle column holds its bin centre")
    else:
        truth["conformation_files"] = [os.path.basename(f) for f in spec["files"]]
        truth["superposed_on_first_by"] = spec.get("superpose")
        truth["atoms"] = "conformations/atoms_%03d.pdb"
    with open(os.path.join(a.out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")

    prov = dict(format=FORMAT, command=[os.path.basename(sys.argv[0])] + sys.argv[1:],
                script_sha256=sha256(os.path.abspath(__file__)), tools=tool_versions(),
                inputs={os.path.basename(f): sha256(f) for f in inputs},
                parameters={k: v for k, v in vars(a).items() if k not in ("out", "structures", "jobs", "overwrite")},
                derived=dict(largest_dimension_A=round(dmax, 3), max_radius_from_centre_A=round(rmax, 3),
                             centre_shift_A=[round(float(-c), 4) for c in centre],
                             mean_clean_variance=mean_var, noise_sd=noise_sd,
                             **({} if contacts is None else dict(
                                 close_ca_pairs_per_conformation=contacts,
                                 close_ca_pairs_definition="moving/fixed CA pairs closer than 3.8 A (the two axis "
                                                           "residues' pair excluded), per conformation")),
                             snr_definition="noise variance = (mean over particles of the per-image variance of the "
                                            "noise-free image over its N x N pixels) / SNR; white Gaussian, numpy"),
                method=["gemmi %s DensityCalculatorE (electron scattering factors, all atoms, uniform B, occupancy 1) "
                        "on a (box*oversample)^3 grid of the box cell" % gemmi.__version__,
                        "relion_image_handler --rescale_angpix APIX (Fourier crop to the box)",
                        "relion_project --i map --ang particles_k.star --o proj_k --ctf --angpix APIX (per "
                        "conformation)", "numpy white Gaussian noise"])
    with open(os.path.join(a.out, "provenance.json"), "w") as f:
        json.dump(prov, f, indent=1, default=float)
        f.write("\n")
    files = sorted(os.path.relpath(os.path.join(d, x), a.out) for d, _, fs in os.walk(a.out) for x in fs)
    with open(os.path.join(a.out, "checksums.sha256"), "w") as f:
        for rel in files:
            if rel != "provenance.json":   # holds the script's checksum; the data files' sums are here
                f.write("%s  %s\n" % (sha256(os.path.join(a.out, rel)), rel))
    print("make_sets: %s: %d particles, %d conformations, %d px at %.3f A/px, SNR %s (noise sd %.4g), seed %d, "
          "largest dimension %.1f A -> %s (%.1f s, projection %.1f s)" % (
              a.set, n, K, a.box, a.apix, a.snr if a.snr > 0 else "none", noise_sd, a.seed, dmax, a.out,
              time.time() - t_start, t_proj))


if __name__ == "__main__":
    main()
