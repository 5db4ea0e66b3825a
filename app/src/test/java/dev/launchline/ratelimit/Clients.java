package dev.launchline.ratelimit;

import dev.launchline.support.Http;
import dev.launchline.support.TestStack;

import java.net.URI;
import java.net.http.HttpRequest;

/** Requests as they arrive through Cloudflare: each with the visitor's address in CF-Connecting-IP. */
final class Clients {
    private Clients() {
    }

    static Http.Response signUp(TestStack stack, String waitlist, String json, String clientIp) {
        return post(stack, "/api/v1/waitlists/" + waitlist + "/signups", json, clientIp);
    }

    static Http.Response signUp(TestStack stack, String email, String clientIp) {
        return signUp(stack, "launch", "{\"email\": \"" + email + "\"}", clientIp);
    }

    static Http.Response post(TestStack stack, String path, String json, String clientIp) {
        return stack.http().send(HttpRequest.newBuilder(URI.create(stack.http().base() + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("CF-Connecting-IP", clientIp)
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }
}
