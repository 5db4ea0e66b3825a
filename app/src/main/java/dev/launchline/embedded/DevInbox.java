package dev.launchline.embedded;

import dev.launchline.devstack.DevMailServer;

import java.util.List;

/**
 * The capturing SMTP server of the dev default, as the service sees it. The service holds this
 * type, never the dev stack's own: the production jar lacks those classes, and a field, lambda or
 * method reference typed with them fails to link there even when no dev part was started.
 */
public final class DevInbox implements AutoCloseable {
    private final DevMailServer server;

    DevInbox(DevMailServer server) {
        this.server = server;
    }

    public int port() {
        return server.port();
    }

    /** Every captured email, oldest first. */
    public List<DevMailServer.CapturedMail> messages() {
        return server.messages();
    }

    @Override
    public void close() {
        server.close();
    }
}
