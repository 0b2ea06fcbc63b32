// The report's 3D viewer (StructureViewer.java): shows one frame of one structure set at a time with 3Dmol.js.
// Frames of a set share the box frame (the decoder's output is not re-aligned), so the camera is kept when the frame
// changes: a traversal then shows the motion, not a re-centred molecule.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('v3d-data').textContent);
  var box = document.getElementById('v3d-canvas');
  var setSelect = document.getElementById('v3d-set');
  var slider = document.getElementById('v3d-frame');
  var play = document.getElementById('v3d-play');
  var colour = document.getElementById('v3d-colour');
  var style = document.getElementById('v3d-style');
  var label = document.getElementById('v3d-label');

  data.sets.forEach(function (s, i) {
    var o = document.createElement('option');
    o.value = String(i);
    o.textContent = s.name + ' (' + s.frames.length + ')';
    setSelect.appendChild(o);
  });

  var viewer = null;
  try {
    viewer = $3Dmol.createViewer(box, { backgroundColor: 'white' });
  } catch (e) {
    viewer = null;
  }
  if (!viewer || data.sets.length === 0) {
    // no WebGL (or nothing to show): say so in place of the canvas rather than fail silently
    box.classList.add('viewer-off');
    box.textContent = data.sets.length === 0 ? 'No structures to show.'
      : 'This browser offers no WebGL, so the 3D view is off; the structures are the PDB/mmCIF files in traversals/ and clusters/.';
    [setSelect, slider, play, colour, style].forEach(function (c) { c.disabled = true; });
    return;
  }

  function segmentColour(atom) {
    var k = data.owner[atom.index];
    return k === undefined || k < 0 ? '#cccccc' : data.palette[k % data.palette.length];
  }

  function atomStyle() {
    var c = colour.value === 'segment' ? { colorfunc: segmentColour }
      : colour.value === 'spectrum' ? { color: 'spectrum' } : { colorscheme: 'chain' };
    if (style.value === 'sphere') return { sphere: Object.assign({ radius: 1.2 }, c) };
    // CA-only models: 'trace' draws a tube through the sites (a full cartoon needs backbone atoms)
    return { cartoon: Object.assign({ style: 'trace', thickness: 0.8 }, c) };
  }

  function current() {
    return data.sets[Number(setSelect.value)].frames[Number(slider.value)];
  }

  function show(resetView) {
    var f = current();
    viewer.removeAllModels();
    viewer.addModel(f.pdb, 'pdb');
    viewer.setStyle({}, atomStyle());
    if (resetView) viewer.zoomTo();
    viewer.render();
    label.textContent = f.label;
    box.setAttribute('data-shown', f.name);
  }

  var timer = null, direction = 1;
  function stop() {
    if (timer !== null) clearInterval(timer);
    timer = null;
    play.textContent = 'Play';
  }
  function step() {
    var n = Number(slider.max) + 1, i = Number(slider.value) + direction;
    if (i >= n || i < 0) { direction = -direction; i += 2 * direction; }
    slider.value = String(Math.max(0, Math.min(n - 1, i)));
    show(false);
  }

  setSelect.addEventListener('change', function () {
    stop();
    var n = data.sets[Number(setSelect.value)].frames.length;
    slider.max = String(n - 1);
    slider.value = '0';
    slider.disabled = n < 2;
    play.disabled = n < 2;
    show(true);
  });
  slider.addEventListener('input', function () { show(false); });
  colour.addEventListener('change', function () { show(false); });
  style.addEventListener('change', function () { show(false); });
  play.addEventListener('click', function () {
    if (timer !== null) { stop(); return; }
    direction = 1;
    play.textContent = 'Pause';
    timer = setInterval(step, 400);
  });

  setSelect.value = '0';
  setSelect.dispatchEvent(new Event('change'));
})();
