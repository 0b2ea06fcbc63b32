"""PDB -> map with gemmi and RELION only (test oracle, no project code): gemmi.DensityCalculatorE puts every atom's
electron form factor (B = 50 A^2) on a grid at apix/2 with the model's all-atom centroid at the box centre;
relion_image_handler --rescale_angpix crops its Fourier transform to the box at apix.
usage: /usr/bin/python3 gemmi_map.py model.pdb out.mrc BOX APIX [CENTRE.pdb]
(CENTRE.pdb: put that model's centroid at the box centre instead, so that two conformations keep one frame)"""
import subprocess, sys, os, tempfile
import numpy as np, gemmi
pdb, out, box, apix = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
st = gemmi.read_structure(pdb); st.remove_ligands_and_waters(); st.remove_empty_chains()
model = st[0]
xyz = np.array([[a.pos.x, a.pos.y, a.pos.z] for ch in model for r in ch for a in r])
if len(sys.argv) > 5:
    ref = gemmi.read_structure(sys.argv[5]); ref.remove_ligands_and_waters(); ref.remove_empty_chains()
    centre = np.array([[a.pos.x, a.pos.y, a.pos.z] for ch in ref[0] for r in ch for a in r]).mean(axis=0)
else:
    centre = xyz.mean(axis=0)
L = box * apix; shift = -centre + L / 2
for ch in model:
    for r in ch:
        for a in r:
            a.pos = gemmi.Position(*(np.array([a.pos.x, a.pos.y, a.pos.z]) + shift)); a.occ = 1.0; a.b_iso = 50.0
st.cell = gemmi.UnitCell(L, L, L, 90, 90, 90); st.spacegroup_hm = "P 1"
dc = gemmi.DensityCalculatorE(); dc.d_min = apix; dc.rate = 1.0
dc.set_grid_cell_and_spacegroup(st); dc.put_model_density_on_grid(model)
assert dc.grid.nu == 2 * box, dc.grid.nu
m = gemmi.Ccp4Map(); m.grid = dc.grid; m.update_ccp4_header(2, True)
fine = out + ".fine.mrc"; m.write_ccp4_map(fine)
subprocess.run(["relion_image_handler", "--i", fine, "--o", out, "--rescale_angpix", str(apix)], check=True, stdout=subprocess.DEVNULL)
os.remove(fine)
