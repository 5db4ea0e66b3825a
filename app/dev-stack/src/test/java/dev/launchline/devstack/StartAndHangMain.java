package dev.launchline.devstack;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link EmbeddedPostgresTest}: starts PostgreSQL, reports the port on
 * stdout, then waits to be kill -9'd, which leaves the server running without its JVM.
 */
public final class StartAndHangMain {
    public static void main(String[] args) throws InterruptedException {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]), EmbeddedPostgres.Options.defaults().withDurable(false));
        System.out.println("READY " + pg.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
