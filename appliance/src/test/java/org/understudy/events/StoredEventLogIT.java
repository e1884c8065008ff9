package org.understudy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.model.EventEntry;
import org.understudy.model.EventQuery;

/** Process tests of the event log: SIGKILL durability, derby.log placement, a database held by another process. */
class StoredEventLogIT {
    @TempDir
    Path tmp;

    Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    Process start(String mode, Path stateDir, Path workDir) throws IOException {
        return start(mode, stateDir, workDir, null);
    }

    /** The store under test; {@link FileEventLogIT} runs the tests here that are not about Derby on the file. */
    EventLogFormat format() {
        return EventLogFormat.DERBY;
    }

    private Process start(String mode, Path stateDir, Path workDir, Path stdout) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EventLogChild.class.getName(), mode, stateDir.toString(), format().name())
                .directory(workDir.toFile())
                .redirectError(tmp.resolve("child-" + mode + ".err").toFile());
        if (stdout != null) {
            pb.redirectOutput(stdout.toFile());
        }
        child = pb.start();
        return child;
    }

    @Test
    void sigkill_everyRowWhoseCommitWasReported_survives() throws Exception {
        Path stateDir = tmp.resolve("state");
        Path workDir = Files.createDirectories(tmp.resolve("work"));
        Path ids = tmp.resolve("child-append.out");
        // stdout to a file: destroyForcibly closes our pipe ends, and ids printed just before death still count
        Process p = start("append", stateDir, workDir, ids);
        pollUntil(() -> !readIds(ids).isEmpty() || !p.isAlive(), 60_000);
        long t0 = System.nanoTime();
        int first = readIds(ids).size();
        pollUntil(() -> readIds(ids).size() >= 300 || !p.isAlive(), 60_000);
        double perRowMs = (System.nanoTime() - t0) / 1e6 / Math.max(1, readIds(ids).size() - first);
        p.destroyForcibly();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        Set<Long> printed = readIds(ids);
        assertTrue(printed.size() >= 300, "child printed only " + printed.size() + " ids: see "
                + tmp.resolve("child-append.err"));
        System.out.printf(format() + " sigkill: %d committed rows reported, %.2f ms per synchronous append%n",
                printed.size(),
                perRowMs);

        try (StoredEventLog log = StoredEventLog.open(stateDir, format(), Retention.UNLIMITED, Clock.systemUTC(),
                (period, task) -> () -> { })) {
            List<EventEntry> rows = log.query(EventQuery.all().limit(EventQuery.MAX_LIMIT));
            Set<Long> stored = new HashSet<>();
            rows.forEach(r -> stored.add(r.id()));
            List<Long> missing = new ArrayList<>();
            for (long id : printed) {
                if (!stored.contains(id)) {
                    missing.add(id);
                }
            }
            assertEquals(List.of(), missing, "rows reported committed but lost after SIGKILL");
        }
        assertFalse(Files.exists(workDir.resolve("derby.log")), "derby.log written into the working directory");
    }

    /** Ids from complete lines only: the last line may have been cut by the kill. */
    private static Set<Long> readIds(Path file) throws IOException {
        Set<Long> out = new HashSet<>();
        if (!Files.exists(file)) {
            return out;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return out;
        }
        for (String line : text.substring(0, end).split("\n")) {
            if (line.startsWith("ID ")) {
                out.add(Long.parseLong(line.substring(3).strip()));
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    private static void pollUntil(Check check, long timeoutMs) throws Exception {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        long pause = 1;
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeoutMs + " ms");
            }
            Thread.sleep(pause);
            pause = Math.min(pause * 2, 50);
        }
    }

    @Test
    void throughput_syncAndAsyncAppends_allStored() {
        try (StoredEventLog log = StoredEventLog.open(tmp.resolve("perf"), format(), Retention.UNLIMITED,
                Clock.systemUTC(),
                (period, task) -> () -> { })) {
            int sync = 500;
            long t0 = System.nanoTime();
            for (int i = 0; i < sync; i++) {
                log.appendSync(EventEntry.of(Clock.systemUTC().instant(), org.understudy.model.EventKind.NODE, "p1",
                        "p1", "sync " + i, null));
            }
            double syncMs = (System.nanoTime() - t0) / 1e6 / sync;
            // a burst just under the queue capacity: commit throughput without drops
            int async = StoredEventLog.DEFAULT_QUEUE_CAPACITY - 200;
            t0 = System.nanoTime();
            long maxAppendNanos = 0;
            int slowCalls = 0;
            for (int i = 0; i < async; i++) {
                long a = System.nanoTime();
                log.append(EventEntry.of(Clock.systemUTC().instant(), org.understudy.model.EventKind.LINK, "p2",
                        "p2/vol0", "async " + i, "{\"i\":" + i + "}"));
                long took = System.nanoTime() - a;
                maxAppendNanos = Math.max(maxAppendNanos, took);
                slowCalls += took > 1_000_000 ? 1 : 0;
            }
            log.flush();
            double asyncRowsPerSec = async / ((System.nanoTime() - t0) / 1e9);
            System.out.printf(format() + " throughput: appendSync %.2f ms/row; async %.0f rows/s committed, slowest"
                    + " append()"
                    + " call %.3f ms, %d calls over 1 ms, %d dropped%n", syncMs, asyncRowsPerSec, maxAppendNanos / 1e6,
                    slowCalls, log.dropped());
            assertEquals(0, log.dropped());
            assertEquals(sync + async, log.count());
        }
    }

    @Test
    void derbyLog_goesToTheStateDirectory_notTheWorkingDirectory() throws Exception {
        Path stateDir = tmp.resolve("state");
        Path workDir = Files.createDirectories(tmp.resolve("work"));
        Process p = start("hold", stateDir, workDir);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("READY", out.readLine());
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(Files.exists(stateDir.resolve("derby.log")), "no derby.log in the state directory");
        assertFalse(Files.exists(workDir.resolve("derby.log")), "derby.log written into the working directory");
    }

    @Test
    void open_whileAnotherProcessHoldsIt_failsNamingTheDirectory() throws Exception {
        Path stateDir = tmp.resolve("state");
        Process p = start("hold", stateDir, tmp);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("READY", out.readLine());
        EventLogException e = assertThrows(EventLogException.class, () -> StoredEventLog.open(stateDir,
                Retention.UNLIMITED, Clock.systemUTC(), (period, task) -> () -> { }));
        String dir = stateDir.resolve("events").toAbsolutePath().toString();
        assertTrue(e.getMessage().contains(dir) && e.getMessage().contains("in use by another process"),
                e.getMessage());
        System.out.println("held database: " + e.getMessage());
        EventLogException offline = assertThrows(EventLogException.class, () -> OfflineEventReader.open(stateDir));
        assertTrue(offline.getMessage().contains("in use by another process"), offline.getMessage());
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
}
