package dev.qlens.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code qlens --version}: the qlens version, the Java runtime and the active kernel path. */
public final class VersionProvider implements IVersionProvider {
    /** The version from the build, or "dev" when run from unpackaged classes. */
    public static String version() {
        String v = property("version");
        return v == null ? "dev" : v;
    }

    /** A property of the build's version.properties, or null. */
    private static String property(String key) {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty(key);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String[] getVersion() {
        List<String> lines = new ArrayList<>();
        String commit = property("commit");
        lines.add("qlens " + version() + (commit == null || commit.isEmpty() || commit.startsWith("$") ? ""
                : " (git commit " + commit + ")"));
        lines.add("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")");
        lines.addAll(RuntimeInfo.kernelLines());
        return lines.toArray(new String[0]);
    }
}
