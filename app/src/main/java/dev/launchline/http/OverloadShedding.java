package dev.launchline.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load shedding, in front of everything else (Jetty's QoSHandler). At most
 * {@link HttpSettings#activeRequests()} requests are handled at once; the others wait for a turn
 * without holding a thread, at most REQUEST_QUEUE_MAX of them and each at most
 * REQUEST_QUEUE_WAIT_MS. Past that the answer is 503 {@code overloaded} with Retry-After, sent in
 * microseconds: a spike beyond what the instance can do gets fast refusals a client (or the
 * signup form) can retry, while the requests already in hand keep their latency. Before this a
 * spike queued without bound: Gatling at 1,000 signups/s on the 2-core benchmark box made
 * requests wait 60 s and ran a 512 MB heap out.
 *
 * <p>A refused signup was never stored: the client was told to retry, and nothing was lost or
 * half-written. Health checks and metrics never wait: an orchestrator must see a busy instance
 * as alive and ready, or it would take capacity away exactly when it is needed.
 */
public final class OverloadShedding extends QoSHandler {
    private static final Logger log = LoggerFactory.getLogger(OverloadShedding.class);
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;
    private static final byte[] JSON = """
            {"error":{"code":"overloaded","message":"We are very busy right now. Please try again in a moment.","fields":{}}}"""
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] HTML = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Just a moment</title></head>
            <body><h1>Just a moment</h1><p>We are very busy right now. Please go back and try again in a moment.</p></body></html>"""
            .getBytes(StandardCharsets.UTF_8);

    private final LongAdder shed = new LongAdder();
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    public OverloadShedding(HttpSettings limits, MeterRegistry registry) {
        setMaxRequestCount(limits.activeRequests());
        setMaxSuspendedRequestCount(limits.queueMax());
        setMaxSuspend(limits.queueWait());
        for (String probe : new String[] {"/healthz", "/readyz", "/metrics", "/version"}) {
            excludePath(probe);
        }
        excludeMethod("OPTIONS"); // a CORS preflight is cheap, and refusing it hides the 503 from the page
        FunctionCounter.builder("launchline.http.shed", shed, LongAdder::sum)
                .description("requests answered 503 overloaded: too many waiting, or waited too long")
                .register(registry);
        Gauge.builder("launchline.http.queued", this, QoSHandler::getSuspendedRequestCount)
                .description("requests waiting for their turn")
                .register(registry);
    }

    /** Too many waiting already: refused without waiting. */
    @Override
    protected void reject(Request request, Response response, Callback callback, int status) {
        refuse(request, response, callback);
    }

    /** Waited REQUEST_QUEUE_WAIT_MS, or the server is stopping. */
    @Override
    protected void failSuspended(Request request, Response response, Callback callback, int status, Throwable failure) {
        refuse(request, response, callback);
    }

    private void refuse(Request request, Response response, Callback callback) {
        shed.increment();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
            log.warn("overloaded: answering 503 to requests beyond {} at once and {} waiting ({} so far)",
                    getMaxRequestCount(), getMaxSuspendedRequestCount(), shed.sum());
        }
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        boolean html = accept != null && accept.contains("text/html"); // as ErrorMapper.wantsHtml
        response.setStatus(503);
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, html ? "text/html;charset=utf-8" : "application/json");
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        if (origin != null) {
            // The route's allowed origins are not known before Javalin; this answer is the same
            // fixed text for everyone and reveals nothing, so any page may read it and its
            // Retry-After, and a signup form can tell "busy, retry" from a network failure.
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Retry-After");
            response.getHeaders().put(HttpHeader.VARY, "Origin");
        }
        response.write(true, ByteBuffer.wrap(html ? HTML : JSON), callback);
    }
}
