package dev.launchline.mail;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class QueueHeadTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final QueueHead head = new QueueHead(nanos::get);
    private final OffsetDateTime due = OffsetDateTime.parse("2026-12-04T12:00:00Z");

    @Test
    void with_no_head_known_the_claim_walks_from_the_start() {
        assertThat(head.from()).isEqualTo(QueueHead.START);
    }

    @Test
    void after_a_find_the_claim_starts_a_margin_before_it_until_a_walk_from_the_start_is_due() {
        head.from();
        head.found(due);
        assertThat(head.from()).isEqualTo(due.minus(QueueHead.MARGIN));
        nanos.addAndGet(QueueHead.FROM_THE_START_EVERY.toNanos() - 1);
        assertThat(head.from()).isEqualTo(due.minus(QueueHead.MARGIN));
        nanos.addAndGet(1);
        assertThat(head.from()).as("once every FROM_THE_START_EVERY").isEqualTo(QueueHead.START);
        assertThat(head.from()).as("and not again at once").isEqualTo(due.minus(QueueHead.MARGIN));
    }

    @Test
    void an_empty_queue_keeps_the_head_new_mail_is_due_after_it() {
        head.from();
        head.found(due);
        nanos.addAndGet(Duration.ofMillis(500).toNanos()); // claims found nothing meanwhile: found() not called
        assertThat(head.from()).isEqualTo(due.minus(QueueHead.MARGIN));
    }
}
