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
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    @Override
    public String[] getVersion() {
        List<String> lines = new ArrayList<>();
        lines.add("qlens " + version());
        lines.add("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")");
        lines.addAll(RuntimeInfo.kernelLines());
        return lines.toArray(new String[0]);
    }
}
