package dev.launchline.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link CpuUse} against real processes: a shell that spins stands for the service, and a
 * process tree whose child spins and ends stands for PostgreSQL (a postmaster whose backends
 * come and go); an idle one would count nothing.
 */
class CpuUseTest {

    @Test
    void the_cpu_of_the_service_and_of_the_database_tree_are_counted_apart_ended_children_included(@TempDir Path dataDir)
            throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/stat")), "no /proc: CpuUse reads Linux's process accounting");
        Process service = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        // the "postmaster" waits for its child, which spins for a second and ends meanwhile
        Process postmaster = new ProcessBuilder("sh", "-c", "timeout 1 sh -c 'while :; do :; done'; sleep 30").start();
        try {
            Files.writeString(dataDir.resolve("postmaster.pid"), postmaster.pid() + "\n" + dataDir + "\n");
            Optional<CpuUse> counting = CpuUse.start(service.pid(), dataDir);
            assertThat(counting).isPresent();
            Thread.sleep(2_000);

            Map<String, Double> shares = counting.get().stop(100);

            // each spun for about a core: half of its second for the database tree, all of the two for the service
            assertThat(shares.get("service_cpu_percent")).isGreaterThan(30);
            assertThat(shares.get("postgres_cpu_percent")).isGreaterThan(10).isLessThan(shares.get("service_cpu_percent"));
            assertThat(shares.get("machine_cpu_percent"))
                    .isGreaterThanOrEqualTo(shares.get("service_cpu_percent") + shares.get("postgres_cpu_percent") - 5);
            assertThat(shares.get("cpu_ms_per_signup")).isGreaterThan(5); // 100 "signups" in more than half a second of CPU
        } finally {
            service.destroyForcibly();
            postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
            postmaster.destroyForcibly();
        }
    }
}
