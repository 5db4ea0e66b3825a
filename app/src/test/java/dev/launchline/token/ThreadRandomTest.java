package dev.launchline.token;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThreadRandomTest {

    @Test
    void each_platform_thread_draws_from_a_generator_of_its_own_and_virtual_threads_share_one() throws Exception {
        ExecutorService platform = Executors.newFixedThreadPool(2);
        try {
            // a fixed pool starts a thread of its own for each of its first two tasks
            List<Future<Object>> generators = List.of(platform.submit(() -> (Object) ThreadRandom.current()),
                    platform.submit(() -> (Object) ThreadRandom.current()));
            Object mine = ThreadRandom.current();
            assertThat(List.of(generators.get(0).get(), generators.get(1).get(), mine)).doesNotHaveDuplicates();
            assertThat(ThreadRandom.current()).isSameAs(mine);
            assertThat(ThreadRandom.current().getAlgorithm()).isEqualTo("DRBG");
        } finally {
            platform.shutdown();
        }
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            Object first = virtual.submit(ThreadRandom::current).get(5, TimeUnit.SECONDS);
            Object second = virtual.submit(ThreadRandom::current).get(5, TimeUnit.SECONDS);
            assertThat(first).isSameAs(second);
        }
    }

    @Test
    void uuids_are_version_4_in_the_ietf_variant_and_do_not_repeat() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID uuid = ThreadRandom.uuid();
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(UUID.fromString(uuid.toString())).isEqualTo(uuid);
            assertThat(seen.add(uuid)).isTrue();
        }
    }

    @Test
    void text_draws_every_letter_of_its_alphabet_equally_often_and_nothing_else() {
        String alphabet = "23456789abcdefghjkmnpqrstuvwxyz"; // 31 letters: 256 is no multiple of it
        Map<Character, Integer> counts = new HashMap<>();
        for (int i = 0; i < 31_000; i++) {
            String code = ThreadRandom.text(alphabet, 10);
            assertThat(code).hasSize(10);
            code.chars().forEach(letter -> counts.merge((char) letter, 1, Integer::sum));
        }
        assertThat(counts).hasSize(31).containsOnlyKeys(alphabet.chars().mapToObj(c -> (char) c).toArray(Character[]::new));
        // 10,000 expected each, standard deviation about 98: a byte taken modulo 31 without
        // drawing again would give the first eight letters about 10,900 each and the rest 9,700
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(9_600, 10_400));
        assertThat(ThreadRandom.text("x", 5)).isEqualTo("xxxxx");
        assertThatThrownBy(() -> ThreadRandom.text("", 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
