package dev.launchline.mail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The timer behind SMTP write timeouts ({@code mail.smtp.executor.writetimeout}). Angus Mail
 * arms a timeout before every socket write and cancels it right after; with its default
 * ScheduledThreadPoolExecutor each arming woke the timer thread: at 1,000 signups/s that was a
 * fifth of the mail sender's CPU plus the timer thread's own, about a tenth of the service's
 * (async-profiler). Here arming is a queue append and cancelling a compare-and-set; one thread
 * looks at the queue every {@link #TICK}, drops what was cancelled and fires what is overdue,
 * so a stuck write is cut off within its timeout plus one tick. Only what Angus uses is
 * supported: {@code schedule(Callable, delay, unit)} and the future's {@code cancel} and
 * {@code get}.
 */
final class WriteDeadlines extends AbstractExecutorService implements ScheduledExecutorService {
    static final Duration TICK = Duration.ofMillis(100);
    /** One for the process: every SMTP connection's writes share it. */
    static final WriteDeadlines SHARED = new WriteDeadlines();

    private final ConcurrentLinkedQueue<Deadline<?>> armed = new ConcurrentLinkedQueue<>();

    private WriteDeadlines() {
        Thread.ofPlatform().name("smtp-write-deadlines").daemon().start(this::watch);
    }

    private void watch() {
        while (true) {
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException interrupted) {
                return;
            }
            long now = System.nanoTime();
            armed.removeIf(deadline -> deadline.isDone() || deadline.fireIfDue(now));
        }
    }

    /** Armed by Angus before each write; nobody is woken. */
    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> task, long delay, TimeUnit unit) {
        Deadline<V> deadline = new Deadline<>(task, System.nanoTime() + unit.toNanos(delay));
        armed.add(deadline);
        return deadline;
    }

    private static final class Deadline<V> implements ScheduledFuture<V> {
        private static final int ARMED = 0;
        private static final int CANCELLED = 1;
        private static final int FIRED = 2;

        private final Callable<V> task;
        private final long dueNanos;
        private final AtomicInteger state = new AtomicInteger(ARMED);
        private final CompletableFuture<V> result = new CompletableFuture<>();

        Deadline(Callable<V> task, long dueNanos) {
            this.task = task;
            this.dueNanos = dueNanos;
        }

        /** True when it fired now (and so leaves the queue). */
        boolean fireIfDue(long now) {
            if (now - dueNanos < 0 || !state.compareAndSet(ARMED, FIRED)) {
                return false;
            }
            try {
                result.complete(task.call()); // Angus's task: close the socket, so the blocked write fails
            } catch (Exception failed) {
                result.completeExceptionally(failed);
            }
            return true;
        }

        /** False once it has fired: Angus then reports the write as timed out. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return state.compareAndSet(ARMED, CANCELLED) || state.get() == CANCELLED;
        }

        @Override
        public boolean isCancelled() {
            return state.get() == CANCELLED;
        }

        @Override
        public boolean isDone() {
            return state.get() != ARMED;
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            return result.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return result.get(timeout, unit);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    // --- not used by Angus Mail, so not offered ---

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("only schedule(Callable, ...) is supported");
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("only schedule(Callable, ...) is supported");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("only schedule(Callable, ...) is supported");
    }

    @Override
    public void execute(Runnable command) {
        throw new UnsupportedOperationException("only schedule(Callable, ...) is supported");
    }

    /** Shared by the whole process and a daemon: it is never shut down. */
    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }
}
