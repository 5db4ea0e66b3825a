package dev.launchline.token;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedHashTest {

    @Test
    void is_hmac_sha256_of_the_label_and_the_value() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?"
        KeyedHash hash = new KeyedHash("Jefe".getBytes(StandardCharsets.US_ASCII), "what do ya want ");
        assertThat(hash.hex("for nothing?"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void labels_keep_the_uses_of_one_key_apart() {
        byte[] key = "key-0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        assertThat(new KeyedHash(key, "consent-address:").hex("203.0.113.7"))
                .isNotEqualTo(new KeyedHash(key, "client-network:").hex("203.0.113.7"));
    }

    @Test
    void threads_hashing_at_once_get_what_one_thread_gets() throws Exception {
        KeyedHash hash = new KeyedHash("key-0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII),
                "client-network:");
        List<String> alone = IntStream.range(0, 2_000).mapToObj(i -> hash.hex("198.51.100." + i)).toList();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> together = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                together.add(threads.submit(() ->
                        IntStream.range(0, 2_000).mapToObj(i -> hash.hex("198.51.100." + i)).toList()));
            }
            for (Future<List<String>> result : together) {
                assertThat(result.get()).isEqualTo(alone);
            }
        } finally {
            threads.shutdown();
        }
    }
}
