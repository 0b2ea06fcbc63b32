package dev.cryosphere.evaluate.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * 3Dmol.js, the molecular viewer inlined into report.html so that the page shows structures in 3D offline. The
 * evaluate module's build fetches the package from the npm registry (evaluate/pom.xml, checked against the registry's
 * sha512) and puts the minified library, its licence and package.json on the classpath; nothing of it is in git.
 *
 * @param script  the minified library (defines the global {@code $3Dmol})
 * @param licence its BSD-3-Clause licence text, which the report reproduces as the licence asks
 */
public record ViewerLibrary(String name, String version, String licenseId, String script, String licence) {
    private static final String DIR = "3dmol/";
    private static volatile ViewerLibrary loaded;

    /** The bundled library (read once); fails with the reason when the build did not bundle it. */
    public static ViewerLibrary load() {
        ViewerLibrary l = loaded;
        if (l == null) loaded = l = read();
        return l;
    }

    private static ViewerLibrary read() {
        try {
            JsonNode pkg = new ObjectMapper().readTree(resource("package.json"));
            return new ViewerLibrary("3Dmol.js", pkg.path("version").asText("?"), pkg.path("license").asText("?"),
                    resource("build/3Dmol-min.js"), resource("LICENSE"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = ViewerLibrary.class.getResourceAsStream(DIR + path)) {
            if (in == null)
                throw new IllegalStateException("3Dmol.js is not on the classpath (" + DIR + path + "): the evaluate module's "
                        + "build fetches it from the npm registry in generate-resources; rebuild with network access once");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
