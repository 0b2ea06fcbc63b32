package dev.cryosphere.evaluate.report;

import java.net.URI;
import java.nio.file.Path;

/**
 * Paths as the report prints them: relative to the report's folder ('/'-separated), so that they stay right when the
 * evaluation folder is moved together with the run and dataset, and never name the temporary folder the report was
 * written in. A Hadoop URI (hdfs://, s3a://, …) is printed as given: there is no relative form of it.
 */
public final class RelativePath {
    private RelativePath() {}

    /** {@code target} relative to {@code reportDir} (the report's final folder, not where it is being written). */
    public static String of(Path reportDir, Path target) {
        Path from = reportDir.toAbsolutePath().normalize(), to = target.toAbsolutePath().normalize();
        if (from.getRoot() != null && !from.getRoot().equals(to.getRoot())) return to.toString();
        String rel = from.relativize(to).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    /** A path or URI given on the command line; file: URIs and plain paths are made relative. */
    public static String of(Path reportDir, String pathOrUri) {
        if (pathOrUri.matches("[A-Za-z][A-Za-z0-9+.-]+://.*|file:.*")) {
            URI u = URI.create(pathOrUri);
            return "file".equalsIgnoreCase(u.getScheme()) ? of(reportDir, Path.of(u)) : pathOrUri;
        }
        return of(reportDir, Path.of(pathOrUri));
    }
}
