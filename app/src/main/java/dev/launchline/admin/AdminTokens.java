package dev.launchline.admin;

import dev.launchline.db.schema.tables.records.AdminTokenRecord;
import org.jooq.DSLContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Admin bearer tokens: issued once, stored only as a SHA-256 hash, several active at once so
 * one can be rotated without downtime.
 *
 * <p>Why SHA-256 and not bcrypt/argon2: slow, salted hashes exist to protect low-entropy
 * secrets (passwords people choose) from offline guessing. These tokens are 256 bits from
 * SecureRandom, so guessing one from its hash is out of reach whatever the hash speed. A slow
 * hash would instead cost ~100 ms of CPU on every admin request (a denial-of-service lever for
 * anyone sending junk tokens), and its per-token salt would rule out finding the token by its
 * hash, forcing a separate lookup id into the token.
 *
 * <p>Timing: the row is found by an index lookup on the hash. The time that takes can only
 * tell an attacker how many leading bytes of the hash of their guess match a stored hash,
 * and steering the hash of a guess towards a stored hash is a preimage attack on SHA-256: it
 * leaks nothing usable about the token. The final comparison is constant-time anyway
 * ({@link MessageDigest#isEqual}), so no code path compares secrets byte by byte with an early exit.
 */
public final class AdminTokens {
    /** The recognisable prefix lets secret scanners (and people) tell what a leaked string is. */
    public static final String PREFIX = "lla_";
    private static final Pattern WELL_FORMED = Pattern.compile("lla_[A-Za-z0-9_-]{43}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    public static final class TokenException extends RuntimeException {
        TokenException(String message) {
            super(message, null, false, false);
        }
    }

    /** A just-issued token: {@code secret} is shown once and exists nowhere else afterwards. */
    public record Issued(AdminToken token, String secret) {
    }

    private final DSLContext db;
    private final AdminTokenRepository tokens;
    private final AuditRepository audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AdminTokens(DSLContext db, AdminTokenRepository tokens, AuditRepository audit, Clock clock) {
        this.db = db;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
    }

    public Issued create(String name, AdminScope scope, Actor actor) {
        if (!NAME.matcher(name).matches()) {
            throw new TokenException("the name must be 1-100 letters, digits, '.', '_' or '-'");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        OffsetDateTime now = now();
        long id = db.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            long inserted = tokens.insert(tx, name, scope, sha256(secret), now)
                    .orElseThrow(() -> new TokenException("an active token named '" + name
                            + "' already exists; revoke it first or choose another name"));
            audit.record(tx, actor, "admin_token.create", "admin_token:" + name);
            return inserted;
        });
        return new Issued(new AdminToken(id, name, scope, now, Optional.empty(), Optional.empty()), secret);
    }

    public List<AdminToken> list() {
        return tokens.all(db).stream().map(AdminTokens::toToken).toList();
    }

    public void revoke(String name, Actor actor) {
        db.transaction(configuration -> {
            DSLContext tx = configuration.dsl();
            if (!tokens.revoke(tx, name, now())) {
                throw new TokenException("there is no active token named '" + name + "'");
            }
            audit.record(tx, actor, "admin_token.revoke", "admin_token:" + name);
        });
    }

    /** The active token this secret belongs to, if any. Malformed input costs no database work. */
    public Optional<AdminToken> authenticate(String presented) {
        if (presented == null || !WELL_FORMED.matcher(presented).matches()) {
            return Optional.empty();
        }
        String hash = sha256(presented);
        Optional<AdminTokenRecord> found = tokens.activeByHash(db, hash)
                .filter(row -> MessageDigest.isEqual(
                        row.getTokenHash().getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII)));
        found.ifPresent(this::recordUse);
        return found.map(AdminTokens::toToken);
    }

    private void recordUse(AdminTokenRecord row) {
        OffsetDateTime now = now();
        if (row.getLastUsedAt() == null || row.getLastUsedAt().isBefore(now.minus(LAST_USED_RESOLUTION))) {
            tokens.touch(db, row.getId(), now, LAST_USED_RESOLUTION);
        }
    }

    static String sha256(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible); // every JVM has SHA-256
        }
    }

    private static AdminToken toToken(AdminTokenRecord row) {
        return new AdminToken(row.getId(), row.getName(), AdminScope.parse(row.getScope()).orElseThrow(),
                row.getCreatedAt(), Optional.ofNullable(row.getLastUsedAt()), Optional.ofNullable(row.getRevokedAt()));
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }
}
