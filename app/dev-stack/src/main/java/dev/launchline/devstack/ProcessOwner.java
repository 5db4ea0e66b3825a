package dev.launchline.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The OS account that runs the PostgreSQL processes.
 *
 * <p>initdb and postgres refuse to run as root, yet containers and CI usually run the JVM as root.
 * In that case every PostgreSQL command is wrapped in {@code setpriv} to drop to an unprivileged
 * account (default {@code nobody}), and the files it needs are chowned to that account. When the
 * JVM is not root, commands run unchanged as the current user.
 */
final class ProcessOwner {

    private final String name;
    private final int uid;
    private final int gid;
    private final boolean dropPrivileges;

    private ProcessOwner(String name, int uid, int gid, boolean dropPrivileges) {
        this.name = name;
        this.uid = uid;
        this.gid = gid;
        this.dropPrivileges = dropPrivileges;
    }

    /**
     * @param accountWhenRoot account name, numeric uid, or "uid:gid"; only used when running as root
     */
    static ProcessOwner resolve(String accountWhenRoot) throws IOException {
        if (effectiveUid() != 0) {
            return new ProcessOwner(System.getProperty("user.name"), -1, -1, false);
        }
        int[] ids = lookUp(accountWhenRoot);
        if (ids[0] == 0) {
            throw new IllegalArgumentException("Account '" + accountWhenRoot
                    + "' is root; PostgreSQL refuses to run as root, choose an unprivileged account");
        }
        return new ProcessOwner(accountWhenRoot, ids[0], ids[1], true);
    }

    boolean dropsPrivileges() {
        return dropPrivileges;
    }

    String describe() {
        return dropPrivileges ? "'" + name + "' (uid " + uid + ", gid " + gid + ")" : "'" + name + "'";
    }

    /** Prefixes the command so that it runs as this account. */
    List<String> wrap(List<String> command) {
        if (!dropPrivileges) {
            return command;
        }
        List<String> wrapped = new ArrayList<>();
        // --clear-groups: do not leak root's supplementary groups into the server.
        wrapped.addAll(List.of(setprivPath(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Fails with an actionable message if some ancestor of {@code baseDir} cannot be entered by
     * the account. Without this check initdb fails later with an obscure "permission denied".
     * baseDir itself is not checked: it is chowned to the account.
     */
    void checkAncestorsTraversable(Path baseDir) throws IOException {
        if (!dropPrivileges) {
            return;
        }
        Path existing = baseDir.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return;
        }
        // Check the real path: a symlinked ancestor (/var/run -> /run) is traversed via its target.
        for (Path dir = existing.toRealPath(); dir != null; dir = dir.getParent()) {
            if (!canTraverse(dir)) {
                throw new IllegalStateException("PostgreSQL cannot use base directory " + baseDir + ": the JVM runs as root, so "
                        + "PostgreSQL runs as the unprivileged account " + describe() + ", which cannot enter directory "
                        + dir + " (owner uid " + Files.getAttribute(dir, "unix:uid") + ", mode "
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)) + "). "
                        + "Use a base directory that account can reach (for example under /tmp or /var/lib), "
                        + "or allow it with 'chmod o+x " + dir + "', or choose another account.");
            }
        }
    }

    private boolean canTraverse(Path dir) throws IOException {
        int mode = (Integer) Files.getAttribute(dir, "unix:mode");
        int owner = (Integer) Files.getAttribute(dir, "unix:uid");
        int group = (Integer) Files.getAttribute(dir, "unix:gid");
        // The kernel checks exactly one class: owner, else group, else other.
        // Supplementary groups don't count because setpriv clears them.
        if (owner == uid) {
            return (mode & 0100) != 0;
        }
        if (group == gid) {
            return (mode & 0010) != 0;
        }
        return (mode & 0001) != 0;
    }

    /** Gives the account ownership of one path (not following symlinks). */
    void chown(Path path) throws IOException {
        if (!dropPrivileges) {
            return;
        }
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** chown -R, skipped when the top already belongs to the account (the common warm start). */
    void chownTreeIfNeeded(Path root) throws IOException {
        if (!dropPrivileges || !Files.exists(root) || ownedByAccount(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                chown(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                chown(file);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private boolean ownedByAccount(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid
                && (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS) == gid;
    }

    private static int effectiveUid() throws IOException {
        Path procSelf = Path.of("/proc/self");
        if (Files.isDirectory(procSelf)) {
            // /proc/<pid> is owned by the process's effective uid.
            return (Integer) Files.getAttribute(procSelf, "unix:uid");
        }
        return Integer.parseInt(runAndRead("id", "-u"));
    }

    private static int[] lookUp(String account) throws IOException {
        if (account.matches("\\d+:\\d+")) {
            String[] parts = account.split(":");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        }
        // `id` goes through NSS, so it also finds accounts that are not in /etc/passwd.
        try {
            return new int[] {Integer.parseInt(runAndRead("id", "-u", account)), Integer.parseInt(runAndRead("id", "-g", account))};
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("Unknown account '" + account + "' for running PostgreSQL (as root we need an "
                    + "unprivileged account; pass an existing user name or \"uid:gid\")", e);
        }
    }

    private static String runAndRead(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running " + String.join(" ", command), e);
        }
        return out;
    }

    private static String setprivPath() {
        for (String candidate : List.of("/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv", "/sbin/setpriv")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Running as root requires 'setpriv' (package util-linux) to start PostgreSQL "
                + "as an unprivileged account, but it was not found");
    }
}
