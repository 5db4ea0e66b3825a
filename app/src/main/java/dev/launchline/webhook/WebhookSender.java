package dev.launchline.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Delivers the webhook queue. One thread takes due deliveries one at a time (leased, SKIP
 * LOCKED: instances share the queue) and hands each to a virtual thread that POSTs it; at most
 * WEBHOOK_CONCURRENCY are in flight, at most half of them to one endpoint, so one slow or dead
 * receiver delays only its own deliveries. Nothing here runs on a request's thread: a receiver
 * that hangs for its whole timeout costs a signup nothing.
 *
 * <p>A 2xx answer delivers it. Anything else (another status, a timeout, a refused connection)
 * counts an attempt, and it is tried again after an exponential backoff with jitter, until
 * WEBHOOK_MAX_ATTEMPTS, when it is dead-lettered (and replayable through the admin API). The
 * signature and timestamp are made afresh for each attempt; the webhook-id stays, so a receiver
 * that got it before drops the repeat.
 */
public final class WebhookSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final WebhookRepository repository;
    private final WebhookSettings settings;
    private final Map<String, WebhookEndpoint> endpoints;
    private final Clock clock;
    private final HttpClient http;
    private final Semaphore slots;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Semaphore wakeUp = new Semaphore(0);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread thread;
    private final MeterRegistry metrics;

    public WebhookSender(WebhookRepository repository, WebhookSettings settings, Clock clock, MeterRegistry metrics) {
        this.repository = repository;
        this.settings = settings;
        this.endpoints = settings.endpoints().stream().collect(Collectors.toMap(WebhookEndpoint::id, Function.identity()));
        this.clock = clock;
        this.metrics = metrics;
        this.slots = new Semaphore(settings.concurrency());
        // no redirects: a receiver that moved says so with a failure the operator sees, rather than
        // the payload following a Location header somewhere nobody configured
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.thread = Thread.ofPlatform().name("webhook-sender").daemon(false).unstarted(this::loop);
    }

    public WebhookSender start() {
        thread.start();
        return this;
    }

    /** An event was committed: look for it now rather than at the next poll. */
    public void nudge() {
        if (wakeUp.availablePermits() == 0) {
            wakeUp.release();
        }
    }

    private void loop() {
        while (closing.getCount() > 0) {
            try {
                if (!slots.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                    continue;
                }
                Optional<WebhookRepository.Claimed> due = claimNext();
                if (due.isEmpty()) {
                    slots.release();
                    wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                    continue;
                }
                WebhookRepository.Claimed delivery = due.get();
                inFlight.computeIfAbsent(delivery.endpoint(), e -> new AtomicInteger()).incrementAndGet();
                deliveries.execute(() -> {
                    try {
                        deliver(delivery);
                    } finally {
                        inFlight.get(delivery.endpoint()).decrementAndGet();
                        slots.release();
                        nudge();
                    }
                });
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException failed) {
                // the database went away: the queue is still there when it is back
                slots.release();
                log.warn("webhooks: could not take a delivery ({}); retrying in {} ms",
                        failed.getClass().getSimpleName(), settings.pollInterval().toMillis());
                sleep(settings.pollInterval());
            }
        }
    }

    private Optional<WebhookRepository.Claimed> claimNext() {
        String busy = inFlight.entrySet().stream()
                .filter(entry -> entry.getValue().get() >= settings.perEndpoint())
                .map(Map.Entry::getKey)
                .collect(Collectors.joining(","));
        // the lease outlasts an attempt (connect and answer, each up to the timeout) with room to record
        // it; a sender killed mid-delivery holds its deliveries back no longer than that
        OffsetDateTime leaseUntil = repository.now().plus(settings.timeout().multipliedBy(2)).plusSeconds(5);
        return repository.claim(busy, leaseUntil);
    }

    /** Sends one delivery and records the outcome. */
    void deliver(WebhookRepository.Claimed delivery) {
        WebhookEndpoint endpoint = endpoints.get(delivery.endpoint());
        if (endpoint == null) {
            repository.markFailed(delivery.id(), null, "endpoint \"" + delivery.endpoint()
                    + "\" is no longer configured in WEBHOOKS", Optional.empty());
            count(delivery, "dead");
            log.warn("webhook {} ({}) dead-lettered: endpoint {} is no longer configured",
                    delivery.id(), delivery.eventType(), delivery.endpoint());
            return;
        }
        int attempt = delivery.attempts() + 1;
        Integer status = null;
        String error;
        try {
            status = post(endpoint, delivery);
            if (status / 100 == 2) {
                repository.markDelivered(delivery.id(), status);
                count(delivery, "delivered");
                return;
            }
            error = "HTTP " + status;
        } catch (HttpTimeoutException timedOut) {
            error = "timed out after " + settings.timeout().toMillis() + " ms";
        } catch (ConnectException refused) {
            error = "could not connect";
        } catch (IOException failed) {
            error = "failed: " + failed.getClass().getSimpleName();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return; // shutting down: the lease runs out and it is taken again
        }
        Optional<OffsetDateTime> retryAt = attempt >= settings.maxAttempts() ? Optional.empty() : Optional.of(retryAt(attempt));
        repository.markFailed(delivery.id(), status, error, retryAt);
        if (retryAt.isPresent()) {
            count(delivery, "retried");
            log.info("webhook {} ({}) to {}: attempt {} {}; next try at {}", delivery.id(), delivery.eventType(),
                    endpoint.id(), attempt, error, retryAt.get());
        } else {
            count(delivery, "dead");
            log.warn("webhook {} ({}) to {} dead-lettered after {} attempts: {}", delivery.id(), delivery.eventType(),
                    endpoint.id(), attempt, error);
        }
    }

    private int post(WebhookEndpoint endpoint, WebhookRepository.Claimed delivery) throws IOException, InterruptedException {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(endpoint.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Launchline-Webhooks")
                .header("webhook-id", delivery.messageId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", endpoint.signer().sign(delivery.messageId(), timestamp, delivery.payload()))
                .POST(HttpRequest.BodyPublishers.ofString(delivery.payload()))
                .build();
        // the answer's body is not read: nothing in it changes what happens next
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Exponential backoff with "equal jitter": half fixed, half random, capped. */
    OffsetDateTime retryAt(int attempts) {
        long base = settings.retryBase().toMillis();
        long exponential = Math.min(settings.retryMax().toMillis(), base * (1L << Math.min(attempts - 1, 30)));
        long jittered = exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
        return repository.now().plus(Duration.ofMillis(jittered));
    }

    private void count(WebhookRepository.Claimed delivery, String outcome) {
        Counter.builder("launchline.webhooks.deliveries")
                .description("webhook delivery attempts by endpoint and outcome (delivered, retried, dead)")
                .tag("endpoint", delivery.endpoint())
                .tag("outcome", outcome)
                .register(metrics)
                .increment();
    }

    private void sleep(Duration duration) {
        try {
            closing.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops taking deliveries and waits (up to the timeout) for those in flight; the rest are taken again later. */
    @Override
    public void close() {
        closing.countDown();
        wakeUp.release();
        try {
            if (thread.getState() != Thread.State.NEW) {
                thread.join(settings.timeout().plusSeconds(5));
            }
            deliveries.shutdown();
            if (!deliveries.awaitTermination(settings.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                deliveries.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
