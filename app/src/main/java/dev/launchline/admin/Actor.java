package dev.launchline.admin;

import java.util.UUID;

/** Who does an admin action, for the audit log: the token's name, the client IP, the request id. */
public record Actor(String tokenName, String clientIp, String requestId) {

    /** The command line on the server itself: no token, no remote client. */
    public static Actor commandLine() {
        return new Actor("(command line)", "local", "cli-" + UUID.randomUUID());
    }
}
