package dev.launchline.http;

import dev.launchline.config.Environment;
import dev.launchline.config.EnvironmentVariables;

import java.time.Duration;

/**
 * Where the service listens and how much it takes at once.
 *
 * @param threads        Jetty's thread pool (HTTP_THREADS); four fewer requests run at once, so a few
 *                       threads are always free to read new requests and turn them away when need be
 * @param queueMax       requests that may wait for a turn (REQUEST_QUEUE_MAX); more get 503 at once
 * @param queueWait      how long one may wait (REQUEST_QUEUE_WAIT_MS) before it gets 503
 * @param maxConnections open connections (MAX_CONNECTIONS); past it no new one is accepted
 *                       until one closes (they wait in the kernel's backlog, then time out)
 * @param bodyDeadline   how long a client may take to send a request's body (REQUEST_BODY_TIMEOUT_MS)
 *                       before it gets 408; the body is read before the request takes a turn
 * @param shutdownDrain  how long a stopping instance keeps serving while /readyz says "draining"
 *                       (SHUTDOWN_DRAIN_SECONDS), so a load balancer takes it out before its port closes
 */
public record HttpSettings(String bindHost, int port, int threads, int queueMax, Duration queueWait,
                           int maxConnections, Duration bodyDeadline, Duration shutdownDrain) {

    public int activeRequests() {
        return threads - 4;
    }

    public static HttpSettings load(EnvironmentVariables env, Environment environment) {
        int port = env.integer("PORT", 8080, 1, 65535);
        // Requests are short and mostly wait on PostgreSQL (the pool, a commit's fsync): a few dozen
        // at once keep the cores busy. Jetty's default of 200-odd let a spike pile up hundreds of
        // threads until the heap ran out (issue 5); now past HTTP_THREADS - 4 at once requests wait
        // without a thread, bounded by REQUEST_QUEUE_MAX and REQUEST_QUEUE_WAIT_MS. 32 threads were
        // too few: under Gatling at 500 signups/s, p95 357 ms with 32 and 73 ms with 64.
        int threads = env.integer("HTTP_THREADS", 64, 8, 1000);
        // Past what the threads can take, requests wait without a thread; these bound that wait, so an
        // overload is answered "503 overloaded, retry" in microseconds instead of piling up (see OverloadShedding).
        int queueMax = env.integer("REQUEST_QUEUE_MAX", 1000, 0, 1_000_000);
        Duration queueWait = Duration.ofMillis(env.integer("REQUEST_QUEUE_WAIT_MS", 2000, 10, 60_000));
        int maxConnections = env.integer("MAX_CONNECTIONS", 1000, 16, 1_000_000);
        // A signup's body is a few hundred bytes: a slow phone sends it in well under a second. The
        // deadline bounds how long a client that dribbles its body keeps a connection (never a turn).
        Duration bodyDeadline = Duration.ofMillis(env.integer("REQUEST_BODY_TIMEOUT_MS", 10_000, 100, 120_000));
        // Behind a load balancer, a stopping instance must be taken out of rotation before it closes
        // its port: its /readyz fails at once, and it serves on for this long (at least the balancer's
        // check interval times its fall count). 0 without a balancer: the port closes at once.
        Duration shutdownDrain = Duration.ofSeconds(env.integer("SHUTDOWN_DRAIN_SECONDS", 0, 0, 300));
        String bindHost = env.get("BIND_HOST", environment.allowsEmbeddedDefaults() ? "127.0.0.1" : "0.0.0.0");
        return new HttpSettings(bindHost, port, threads, queueMax, queueWait, maxConnections, bodyDeadline, shutdownDrain);
    }
}
