package dev.launchline.waitlist;

import dev.launchline.db.Database;
import dev.launchline.support.TestDatabases;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Ids taken ahead from the signup table's own sequence, on a real PostgreSQL. */
class SignupIdsTest {

    @Test
    void the_next_block_is_fetched_while_half_of_this_one_is_left_so_no_signup_waits_for_it() throws Exception {
        String url = TestDatabases.fresh();
        try (Database database = new Database(url, Optional.of("postgres"), Optional.empty(), 4)) {
            database.migrate();
            SignupIds ids = new SignupIds(database.dsl());
            Set<Long> taken = new HashSet<>();
            // the first block, down to the mark: the request that crosses it fetches the next one
            for (int i = 0; i < SignupIds.BLOCK - SignupIds.LOW_WATER + 1; i++) {
                assertThat(taken.add(ids.next())).isTrue();
            }

            // now the sequence cannot hand out ids (ALTER SEQUENCE holds its lock until rollback)
            try (Connection blocker = DriverManager.getConnection(url, "postgres", "")) {
                blocker.setAutoCommit(false);
                blocker.createStatement().execute("alter sequence " + sequence(blocker) + " cache 1");
                ExecutorService signups = Executors.newSingleThreadExecutor();
                try {
                    // more signups than the first block had left go on without the database: the next
                    // block came while the first was half full (fetched when it ran out, the last of
                    // these would wait for the sequence)
                    Future<List<Long>> next = signups.submit(() -> {
                        List<Long> more = new ArrayList<>();
                        for (int i = 0; i < SignupIds.LOW_WATER; i++) {
                            more.add(ids.next());
                        }
                        return more;
                    });
                    next.get(10, TimeUnit.SECONDS).forEach(id -> assertThat(taken.add(id)).as("id %d taken twice", id).isTrue());
                } finally {
                    blocker.rollback();
                    signups.shutdownNow();
                }
            }
        }
    }

    @Test
    void ids_taken_side_by_side_by_many_requests_are_all_different() throws Exception {
        try (Database database = new Database(TestDatabases.fresh(), Optional.of("postgres"), Optional.empty(), 8)) {
            database.migrate();
            SignupIds ids = new SignupIds(database.dsl());
            ExecutorService requests = Executors.newFixedThreadPool(16);
            List<Future<List<Long>>> each = new ArrayList<>();
            for (int thread = 0; thread < 16; thread++) {
                each.add(requests.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) {
                        mine.add(ids.next());
                    }
                    return mine;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> mine : each) {
                all.addAll(mine.get(60, TimeUnit.SECONDS));
            }
            requests.shutdown();
            assertThat(all).hasSize(16_000);
            String sequence = database.dsl().fetchSingle("select pg_get_serial_sequence('signup', 'id')").get(0, String.class);
            long last = database.dsl().fetchSingle("select last_value from " + sequence).get(0, Long.class);
            assertThat(all).allMatch(id -> id > 0 && id <= last);
        }
    }

    private static String sequence(Connection connection) throws Exception {
        var rows = connection.createStatement().executeQuery("select pg_get_serial_sequence('signup', 'id')");
        rows.next();
        return rows.getString(1);
    }
}
