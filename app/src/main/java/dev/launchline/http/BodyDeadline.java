package dev.launchline.http;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a request's body before the request takes a turn (and a thread): without holding a
 * thread while the bytes arrive, and only for {@code deadline}. A client that has not sent its
 * whole body by then gets 408 {@code request_timeout} and its connection is closed.
 *
 * <p>Why: the handlers read bodies with blocking reads, and a turn ({@link OverloadShedding}) is
 * taken before the body is read. Seventy connections that sent their headers and then one body
 * byte a second held every turn: in 40 s only 8 of 78 normal signups got an answer (issue 18).
 * Jetty 12 keeps {@code HttpConfiguration.minRequestDataRate} but no longer enforces it, and the
 * idle timeout never fires while a byte arrives every second; so the deadline is ours.
 *
 * <p>A body larger than {@link RequestBody#MAX_BYTES} is not buffered past that: the request goes
 * on with what has arrived, and the handler refuses it (413) as before.
 */
final class BodyDeadline extends Handler.Wrapper {
    private final Duration deadline;

    BodyDeadline(Duration deadline, Handler next) {
        super(next);
        this.deadline = deadline;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!expectsBody(request)) {
            return super.handle(request, response, callback);
        }
        new BodyLoader(request, response, callback).start();
        return true;
    }

    private static boolean expectsBody(Request request) {
        long length = request.getLength(); // -1 when chunked: no length up front
        return length > 0 || (length < 0 && request.getHeaders().contains("Transfer-Encoding"));
    }

    private enum State { LOADING, HANDED_ON, TIMED_OUT }

    /** One request's body, gathered chunk by chunk as Jetty says there is more. */
    private final class BodyLoader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final Deque<Content.Chunk> chunks = new ArrayDeque<>();
        private final AtomicReference<State> state = new AtomicReference<>(State.LOADING);
        private long bytes;
        private Scheduler.Task timeout;

        BodyLoader(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void start() {
            timeout = request.getComponents().getScheduler()
                    .schedule(this::expire, deadline.toMillis(), TimeUnit.MILLISECONDS);
            gather(false);
        }

        /** Jetty calls this when more of the body has arrived (the demand callback). */
        @Override
        public void run() {
            gather(true);
        }

        /**
         * Reads what has arrived; asks to be called again when there is more. Once the body is
         * whole (or past what a valid body may be), hands the request on: directly when called
         * from {@link #start()}, but never from inside the demand callback. Jetty runs a request's
         * demand callbacks one after another, so a handler that blocks there reading the rest of
         * a body (one past MAX_BYTES, read by RequestBody.bytes) waits for a callback queued
         * behind its own: it hung until the idle timeout for about one large body in fifteen.
         */
        private void gather(boolean inDemandCallback) {
            synchronized (this) {
                while (state.get() == State.LOADING) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        request.demand(this);
                        return;
                    }
                    if (Content.Chunk.isFailure(chunk)) { // the client went away, or the connection failed
                        if (state.compareAndSet(State.LOADING, State.HANDED_ON)) {
                            timeout.cancel();
                            release(chunks);
                            callback.failed(chunk.getFailure());
                        }
                        return;
                    }
                    chunks.add(chunk);
                    bytes += chunk.remaining();
                    // the end, or more than a valid body may be: the handler takes it from here
                    if (chunk.isLast() || bytes > RequestBody.MAX_BYTES) {
                        break;
                    }
                }
            }
            if (state.compareAndSet(State.LOADING, State.HANDED_ON)) {
                timeout.cancel();
                if (inDemandCallback) {
                    request.getComponents().getThreadPool().execute(this::handOn);
                } else {
                    handOn();
                }
            }
        }

        private void handOn() {
            BufferedBody buffered = new BufferedBody(request, callback, chunks);
            try {
                if (!getHandler().handle(buffered, response, buffered)) {
                    Response.writeError(request, response, buffered, 404);
                }
            } catch (Throwable failure) {
                Response.writeError(request, response, buffered, failure);
            }
        }

        private void expire() {
            if (!state.compareAndSet(State.LOADING, State.TIMED_OUT)) {
                return;
            }
            synchronized (this) {
                release(chunks);
            }
            // the rest of the body will never be read: the connection is closed after this answer
            response.getHeaders().put("Connection", "close");
            Response.writeError(request, response, callback, 408);
        }
    }

    /** The request as the next handler sees it: the gathered chunks first, then the connection's. */
    private static final class BufferedBody extends Request.Wrapper implements Callback {
        private final Deque<Content.Chunk> chunks;
        private final Callback callback;

        BufferedBody(Request wrapped, Callback callback, Deque<Content.Chunk> chunks) {
            super(wrapped);
            this.callback = callback;
            this.chunks = chunks;
        }

        @Override
        public Content.Chunk read() {
            synchronized (chunks) {
                Content.Chunk next = chunks.pollFirst();
                return next != null ? next : super.read();
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }

        @Override
        public void succeeded() {
            release();
            callback.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
            release();
            callback.failed(failure);
        }

        private void release() {
            synchronized (chunks) {
                BodyDeadline.release(chunks);
            }
        }
    }

    private static void release(Deque<Content.Chunk> chunks) {
        chunks.forEach(Content.Chunk::release);
        chunks.clear();
    }
}
