package dev.cryosphere.evaluate.job;

import dev.cryosphere.core.format.MrcHeader;
import dev.cryosphere.core.format.MrcReader;
import dev.cryosphere.core.format.Volume;
import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ground-truth maps per particle ({@code --truth-maps DIR --truth-labels CSV}, as CryoBench): the CSV maps a particle
 * index to a map file (relative to DIR). Every map named is checked on the driver (exists, box and pixel size of the
 * model) before any work starts; executors read each map once and keep a few in an LRU cache.
 */
public final class TruthMaps implements Serializable {
    private static final int CACHE = 16;
    private static final Map<String, Volume> LOADED = new LinkedHashMap<>(CACHE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Volume> e) { return size() > CACHE; }
    };

    private final long[] particles;
    private final String[] files;

    private TruthMaps(long[] particles, String[] files) {
        this.particles = particles;
        this.files = files;
    }

    /** Reads the labels (particle_index,map; an optional header) and checks every map against the model's box and apix. */
    public static TruthMaps read(Path dir, Path labels, int box, double apix) {
        if (!Files.isDirectory(dir)) throw new InputException(dir, null, "--truth-maps: not a folder");
        TreeMap<Long, String> byParticle = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(labels);
        } catch (IOException e) {
            throw new InputException(labels, null, "cannot read the truth labels: " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) continue;
            String[] f = line.split("[,\\t]");
            if (f.length < 2) throw new InputException(labels, "line " + (i + 1), "expected particle_index,map_file");
            long p;
            try {
                p = Long.parseLong(f[0].trim());
            } catch (NumberFormatException e) {
                if (i == 0) continue;
                throw new InputException(labels, "line " + (i + 1), "not a particle index: '" + f[0] + "'");
            }
            if (byParticle.put(p, f[1].trim()) != null) throw new InputException(labels, "line " + (i + 1), "particle " + p + " labelled twice");
        }
        if (byParticle.isEmpty()) throw new InputException(labels, null, "no labelled particle");
        Map<String, String> checked = new TreeMap<>();
        long[] particles = new long[byParticle.size()];
        String[] files = new String[byParticle.size()];
        int i = 0;
        for (var e : byParticle.entrySet()) {
            String resolved = checked.computeIfAbsent(e.getValue(), name -> check(dir, labels, name, box, apix));
            particles[i] = e.getKey();
            files[i++] = resolved;
        }
        return new TruthMaps(particles, files);
    }

    private static String check(Path dir, Path labels, String name, int box, double apix) {
        Path map = dir.resolve(name).toAbsolutePath().normalize();
        if (!Files.isRegularFile(map)) throw new InputException(labels, "map '" + name + "'", "names a missing map: " + map + " does not exist");
        try (MrcReader r = MrcReader.open(map)) {
            MrcHeader h = r.header();
            if (h.nx() != box || h.ny() != box || h.nz() != box)
                throw new InputException(map, "header", String.format(Locale.ROOT, "map is %dx%dx%d, the model renders %d³",
                        h.nx(), h.ny(), h.nz(), box));
            if (Math.abs(h.pixelSize() - apix) > 1e-3 * apix)
                throw new InputException(map, "header", String.format(Locale.ROOT, "map pixel size %.4f Å, the model's is %.4f Å",
                        h.pixelSize(), apix));
        }
        return map.toString();
    }

    public int size() { return particles.length; }

    /** The map file of a particle, or null when it has no label. */
    public String fileOf(long particleIndex) {
        int i = Arrays.binarySearch(particles, particleIndex);
        return i < 0 ? null : files[i];
    }

    /** The map (cached per executor JVM: CryoBench sets label thousands of particles with the same few maps). */
    public static Volume load(String file) {
        synchronized (LOADED) {
            Volume v = LOADED.get(file);
            if (v != null) return v;
        }
        Volume v = Volume.read(Path.of(file));
        synchronized (LOADED) {
            LOADED.put(file, v);
        }
        return v;
    }
}
