package dev.cryosphere.cli;

import picocli.CommandLine;

/** Version from the jar manifest (set by Maven), "dev" when run from classes. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    public static String version() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[]{"cryosphere-spark " + version(), "Java " + System.getProperty("java.version")};
    }
}
