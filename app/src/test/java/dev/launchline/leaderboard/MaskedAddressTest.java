package dev.launchline.leaderboard;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class MaskedAddressTest {

    @ParameterizedTest
    @CsvSource({
            "ada@example.com,             a***@e***.com",
            "bob.builder@mail.rocket.co.uk, b***@m***.uk",
            "x@y.io,                      x***@y***.io",
            "zoë@bücher.de,               z***@b***.de",
            "😀smile@example.org,         😀***@e***.org"})
    void keeps_the_first_letters_and_the_top_level_domain_only(String address, String masked) {
        assertThat(MaskedAddress.of(address)).isEqualTo(masked);
    }
}
