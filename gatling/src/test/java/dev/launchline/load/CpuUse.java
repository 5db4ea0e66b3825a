package dev.launchline.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time over the measured run, by process, from Linux's /proc: the machine as a whole, the
 * service (or the floor), PostgreSQL (the postmaster and every backend, autovacuum and checkpointer,
 * those that ended meanwhile included), wrk, and the load generator's own JVM (the SMTP sink lives
 * there). Latency at a fixed rate says how long answers took; this says why: on a 2-core machine a
 * service that keeps both cores busy answers late because its threads wait for a core, whatever
 * its code does once it has one. Empty where there is no /proc.
 */
final class CpuUse {
    /** Linux reports CPU time in USER_HZ ticks, 100 a second on every architecture it runs on. */
    private static final double TICKS_PER_SECOND = 100;

    private record Reading(long nanos, long machineBusy, long service, long postgres, long generator, long wrk) {
    }

    private final long servicePid;
    private final Path postgresDataDir;
    private final Reading start;

    private CpuUse(long servicePid, Path postgresDataDir, Reading start) {
        this.servicePid = servicePid;
        this.postgresDataDir = postgresDataDir;
        this.start = start;
    }

    /** Starts counting, or empty where /proc cannot be read. */
    static Optional<CpuUse> start(long servicePid, Path postgresDataDir) {
        return read(servicePid, postgresDataDir).map(reading -> new CpuUse(servicePid, postgresDataDir, reading));
    }

    /**
     * Each share in percent of one core ("machine_cpu_percent", "service_cpu_percent",
     * "postgres_cpu_percent", "wrk_cpu_percent", "generator_cpu_percent") and the service's and
     * PostgreSQL's CPU per signup stored ("cpu_ms_per_signup"), printed as one line.
     */
    Map<String, Double> stop(long signups) {
        Map<String, Double> shares = new LinkedHashMap<>();
        Optional<Reading> end = read(servicePid, postgresDataDir);
        if (end.isEmpty()) {
            return shares;
        }
        Reading now = end.get();
        double seconds = (now.nanos() - start.nanos()) / 1e9;
        shares.put("machine_cpu_percent", percent(now.machineBusy() - start.machineBusy(), seconds));
        shares.put("service_cpu_percent", percent(now.service() - start.service(), seconds));
        shares.put("postgres_cpu_percent", percent(now.postgres() - start.postgres(), seconds));
        shares.put("wrk_cpu_percent", percent(now.wrk() - start.wrk(), seconds));
        shares.put("generator_cpu_percent", percent(now.generator() - start.generator(), seconds));
        double serviceAndDatabaseMs = (now.service() - start.service() + now.postgres() - start.postgres())
                / TICKS_PER_SECOND * 1000;
        shares.put("cpu_ms_per_signup", serviceAndDatabaseMs / Math.max(1, signups));
        System.out.printf("CPU over the measured run (%% of one core; this machine has %d): machine %.0f%%: service %.0f%%, "
                        + "PostgreSQL %.0f%%, wrk %.0f%%, load generator and SMTP sink %.0f%%; service and PostgreSQL %.3f ms per signup%n",
                Runtime.getRuntime().availableProcessors(), shares.get("machine_cpu_percent"), shares.get("service_cpu_percent"),
                shares.get("postgres_cpu_percent"), shares.get("wrk_cpu_percent"), shares.get("generator_cpu_percent"),
                shares.get("cpu_ms_per_signup"));
        return shares;
    }

    private static double percent(long ticks, double seconds) {
        return 100 * ticks / TICKS_PER_SECOND / seconds;
    }

    private static Optional<Reading> read(long servicePid, Path postgresDataDir) {
        try {
            long nanos = System.nanoTime();
            long[] machine = fields(Files.readString(Path.of("/proc/stat")).lines().findFirst().orElseThrow().substring(4).strip());
            // user, nice, system, (idle, iowait), irq, softirq; not steal, the time a hypervisor gave others
            long busy = machine[0] + machine[1] + machine[2] + machine[5] + machine[6];
            long postmaster = Long.parseLong(Files.readAllLines(postgresDataDir.resolve("postmaster.pid")).get(0).strip());
            // the postmaster's own time, its ended children's (reaped: cutime, cstime) and its live children's
            long postgres = ownAndEnded(postmaster) + ProcessHandle.of(postmaster).stream()
                    .flatMap(ProcessHandle::children).mapToLong(child -> own(child.pid())).sum();
            long generator = ProcessHandle.current().pid();
            // wrk runs as the generator's child and has ended (been waited for) when a phase is over
            return Optional.of(new Reading(nanos, busy, own(servicePid), postgres, own(generator), ended(generator)));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty(); // not Linux, or a process gone: no CPU figures, the run goes on
        }
    }

    /** utime + stime of a live process (all its threads). */
    private static long own(long pid) {
        long[] stat = stat(pid);
        return stat.length < 13 ? 0 : stat[11] + stat[12];
    }

    /** cutime + cstime: its children that ended and were waited for. */
    private static long ended(long pid) {
        long[] stat = stat(pid);
        return stat.length < 15 ? 0 : stat[13] + stat[14];
    }

    private static long ownAndEnded(long pid) {
        return own(pid) + ended(pid);
    }

    /** The numeric fields of /proc/PID/stat after the command name; empty if the process is gone. */
    private static long[] stat(long pid) {
        try {
            String line = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name is in parentheses and may hold spaces: count fields after the last ')'
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            // up to cstime; later fields include unsigned 64-bit ones (rsslim) that a long cannot hold
            long[] numbers = new long[Math.min(fields.length, 15)];
            for (int i = 1; i < numbers.length; i++) { // fields[0] is the state letter
                numbers[i] = Long.parseLong(fields[i].strip());
            }
            return numbers;
        } catch (IOException | NumberFormatException gone) {
            return new long[0];
        }
    }

    private static long[] fields(String line) {
        String[] parts = line.split("\\s+");
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = Long.parseLong(parts[i]);
        }
        return numbers;
    }
}
