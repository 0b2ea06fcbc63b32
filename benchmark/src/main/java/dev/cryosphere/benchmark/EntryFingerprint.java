package dev.cryosphere.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What an entry's stages read, one line each, tagged with the first stage that reads it (S simulate, I ingest, T train,
 * E evaluate, R score; {@link StageLedger} hashes them cumulatively): the entry's resolved settings as canonical text
 * (maps with sorted keys), the SHA-256 of every input file that is not an output of an earlier stage (structure,
 * conformations, train config, an external set's files) and the software version. Paths of OUT itself do not go in, so
 * a moved OUT keeps its stages. As in deploy/nightly.sh, image stacks of an external set are fingerprinted by path,
 * size and modification time (hashing gigabytes of images on every run would cost more than a stage).
 */
final class EntryFingerprint {
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true);

    private EntryFingerprint() {}

    static List<String> lines(BenchmarkSpec.Entry e, String version) throws IOException {
        List<String> l = new ArrayList<>();
        l.add("S version " + version);
        if (e.isExternal()) {
            Path set = e.external();
            l.add("S external " + set);
            for (String f : List.of("truth.json", "particles.star", "ground_truth.csv", "base.pdb"))
                l.add("S file " + f + " " + sha256(set.resolve(f)));
            try (Stream<Path> s = Files.walk(set)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    String name = p.getFileName().toString();
                    String rel = set.relativize(p).toString();
                    if (name.endsWith(".pdb") && rel.startsWith("conformations")) l.add("S file " + rel + " " + sha256(p));
                    else if (name.endsWith(".mrcs") || name.endsWith(".mrc"))
                        l.add("S stack " + rel + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
                }
            }
        } else if (e.isDataset()) {
            DatasetTruth.Spec t = e.dataset();
            // the particle file by content, its stacks as an external set's; the truth is read by the score stage
            // (and evaluate, for the true maps) but hashed here, so a new truth file redoes the entry from the start
            DatasetTruth truth = t.checked();
            l.add("S particles " + t.particles().getFileName() + " " + sha256(t.particles()));
            for (Path stack : truth.stacks)
                l.add("S stack " + stack + " " + Files.size(stack) + " " + Files.getLastModifiedTime(stack).toMillis());
            l.add("S structure " + e.structure().getFileName() + " " + sha256(e.structure()));
            l.add("S truth " + t.truth().getFileName() + " " + sha256(t.truth()) + " label=" + (t.labelColumn() == null ? "" : t.labelColumn())
                    + " coordinate=" + (t.coordinateColumn() == null ? "" : t.coordinateColumn()));
            for (Map<Integer, Path> files : Arrays.asList(truth.structureFiles, truth.mapFiles))
                if (files != null)
                    for (Map.Entry<Integer, Path> f : files.entrySet())
                        l.add("S truth_file " + f.getKey() + " " + f.getValue().getFileName() + " " + sha256(f.getValue()));
        } else {
            l.add("S simulate n_particles=" + e.nParticles() + " box=" + e.box() + " apix=" + Benchmark.num(e.apix())
                    + " snr=" + Benchmark.num(e.snr()) + " seed=" + e.seed());
            if (e.discrete()) {
                for (Path c : e.conformations()) l.add("S conformation " + c.getFileName() + " " + sha256(c));
            } else {
                l.add("S structure " + (e.bundled() ? "bundled " + bundledSha() : e.structure().getFileName() + " " + sha256(e.structure())));
                l.add("S hinge " + e.hinge() + " axis=" + e.axis() + " angles=" + Benchmark.num(e.angles()[0]) + ":" + Benchmark.num(e.angles()[1]));
            }
        }
        l.add("I ingest master=" + e.master() + " shard_mb=" + (e.shardMb() == null ? "" : e.shardMb()));
        if (e.trainFile() != null) l.add("T train_config " + e.trainFile().getFileName() + " " + sha256(e.trainFile()));
        else l.add("T train_config " + canonical(e.trainInline()));
        l.add("T train epochs=" + (e.epochs() == null ? "" : e.epochs()) + " seed=" + (e.trainHasSeed() ? "config" : e.seed())
                + " train_master=" + e.trainMaster());
        l.add("E evaluate master=" + e.master() + " seed=" + e.seed() + " truth_particles=" + e.truthParticles()
                + " truth_bins=" + e.truthBins() + " clusters=" + (e.clusters() == null ? "" : e.clusters())
                + " options=" + canonical(e.evaluate()) + (e.isExternal() ? " truth_maps=full-atom" : ""));
        // a dataset's maps are full-atom or Gaussian by the files' content, which the S lines hold
        l.add("R score " + version);
        return l;
    }

    static String canonical(Object value) {
        try {
            if (value == null) return "{}";
            // through plain maps and lists, whose keys ORDER_MAP_ENTRIES_BY_KEYS sorts at every level
            return CANONICAL.writeValueAsString(CANONICAL.convertValue(value, Object.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bundledSha() throws IOException {
        try (InputStream in = EntryFingerprint.class.getResourceAsStream("/demo/1ake_A.pdb")) {
            if (in == null) throw new IllegalStateException("bundled demo structure missing from the jar");
            return StageLedger.sha256(in.readAllBytes());
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
