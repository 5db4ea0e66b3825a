package dev.launchline.health;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What was built: version, git commit and build time, written into the jar by Maven
 * (launchline-build.properties). The release name "version+commit" is what /version shows
 * and what error reports will be tagged with.
 */
public record BuildInfo(String version, String commit, String buildTime) {

    public static BuildInfo load() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/launchline-build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException unreadable) {
            // fall through to "unknown": a missing build stamp must not stop the service
        }
        return new BuildInfo(
                clean(properties.getProperty("version")),
                clean(properties.getProperty("commit")),
                clean(properties.getProperty("build_time")));
    }

    public String release() {
        return "launchline@" + version + "+" + commit;
    }

    private static String clean(String value) {
        // an unfiltered "${...}" means the build had no such value (e.g. no git repository)
        return value == null || value.isBlank() || value.contains("${") ? "unknown" : value;
    }
}
