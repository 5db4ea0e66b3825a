package dev.launchline.waitlist;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Repeats are stretched onto the new signups' times on the same waitlist; new signups never wait. */
class RepeatSignupPaddingTest {
    private static final long MILLI = 1_000_000;

    @Test
    void repeats_faster_than_new_signups_wait_until_a_new_signup_of_the_same_rank_would_have_answered() {
        RepeatSignupPadding padding = new RepeatSignupPadding();
        for (int i = 0; i < RepeatSignupPadding.SAMPLES; i++) {
            padding.newSignupAnswered("launch", System.nanoTime() - 40 * MILLI); // new signups take 40 ms
            padding.padRepeat("launch", System.nanoTime() - 40 * MILLI); // earlier repeats took as long
        }
        RepeatSignupPadding fastRepeats = new RepeatSignupPadding();
        for (int i = 0; i < RepeatSignupPadding.SAMPLES; i++) {
            fastRepeats.newSignupAnswered("launch", System.nanoTime() - 40 * MILLI);
        }
        fastRepeats.padRepeat("launch", System.nanoTime()); // the first repeat: nothing to rank it against yet

        long started = System.nanoTime();
        fastRepeats.padRepeat("launch", started); // a repeat that took no time of its own
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("stretched to a new signup's time")
                .isGreaterThanOrEqualTo(Duration.ofMillis(39));

        started = System.nanoTime();
        padding.padRepeat("launch", started - 41 * MILLI); // as slow as a new signup already
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no wait added")
                .isLessThan(Duration.ofMillis(30));
    }

    @Test
    void a_waitlist_without_new_signups_yet_adds_no_wait() {
        RepeatSignupPadding padding = new RepeatSignupPadding();
        padding.newSignupAnswered("launch", System.nanoTime() - 200 * MILLI);

        long started = System.nanoTime();
        padding.padRepeat("other", started);
        padding.padRepeat("other", started);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(150));
    }
}
