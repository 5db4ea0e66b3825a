package dev.launchline.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class CoreSaturationTest {
    private double load;
    private final AtomicLong requests = new AtomicLong();

    @Test
    void saturated_only_while_the_cores_stay_busy_and_requests_come_in() {
        try (CoreSaturation saturation = new CoreSaturation(() -> load, requests::get)) {
            load = 0.97;
            for (int i = 1; i < CoreSaturation.IN_A_ROW; i++) {
                requests.addAndGet(300);
                saturation.look();
                assertThat(saturation.saturated()).as("a burst of %d samples", i).isFalse();
            }
            requests.addAndGet(300);
            saturation.look();
            assertThat(saturation.saturated()).isTrue();

            // busy with something else (mail draining a backlog, a vacuum): no requests to make way for
            saturation.look();
            assertThat(saturation.saturated()).isFalse();

            saturateFor(CoreSaturation.IN_A_ROW, saturation);
            load = 0.60; // requests come in and the cores have room: mail keeps its pace
            requests.addAndGet(100);
            saturation.look();
            assertThat(saturation.saturated()).isFalse();

            load = CoreSaturation.SATURATED; // the threshold counts
            saturateFor(CoreSaturation.IN_A_ROW, saturation);
            assertThat(saturation.saturated()).isTrue();

            load = -1; // the OS does not say
            requests.incrementAndGet();
            saturation.look();
            assertThat(saturation.saturated()).isFalse();
        }
    }

    private void saturateFor(int looks, CoreSaturation saturation) {
        load = Math.max(load, CoreSaturation.SATURATED);
        for (int i = 0; i < looks; i++) {
            requests.incrementAndGet();
            saturation.look();
        }
    }

    @Test
    void samples_by_itself_until_closed() throws InterruptedException {
        AtomicLong looks = new AtomicLong();
        CoreSaturation saturation = new CoreSaturation(() -> {
            looks.incrementAndGet();
            return 1.0;
        }, requests::incrementAndGet).started();
        try {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!saturation.saturated() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(saturation.saturated()).isTrue();
        } finally {
            saturation.close();
        }
        long afterClose = looks.get();
        Thread.sleep(CoreSaturation.EVERY.toMillis() * 3);
        assertThat(looks.get()).isEqualTo(afterClose);
    }

    @Test
    void this_machines_load_is_read_without_failing() {
        try (CoreSaturation saturation = CoreSaturation.of(requests::get)) {
            saturation.look(); // no requests came in: whatever the load, nothing to make way for
            assertThat(saturation.saturated()).isFalse();
        }
    }
}
