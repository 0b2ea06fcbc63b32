package dev.cryosphere.evaluate.report;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paths as the report prints them: relative to the report's folder ('/'-separated), so that they stay right when the
 * evaluation folder is moved together with the run and dataset, and never name the temporary folder the report was
 * written in. A Hadoop URI (hdfs://, s3a://, …) is printed as given: there is no relative form of it.
 */
public final class RelativePath {
    /** An absolute POSIX path in a message: after a blank, a parenthesis or a quote, up to a blank, ':', ',', ';', ')' or a quote. */
    private static final Pattern ABSOLUTE = Pattern.compile("(?<=^|[\\s('])/[^\\s:;,)']+");

    private RelativePath() {}

    /** {@code text} (a message, e.g. a note from the inputs check) with every absolute path in it made relative. */
    public static String inText(Path reportDir, String text) {
        Matcher m = ABSOLUTE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(of(reportDir, Path.of(m.group()))));
        return m.appendTail(sb).toString();
    }

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
