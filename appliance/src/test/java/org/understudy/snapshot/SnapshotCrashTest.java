package org.understudy.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.understudy.testing.MemoryDir;

/**
 * The store's promise across a real process death: a child JVM writes through the copy-on-write writer with
 * snapshots live, taking and deleting snapshots, and is SIGKILLed at a random moment (mid preservation, mid journal
 * append, mid deletion); reopened, every snapshot it completed still reads exactly its point in time, and none it
 * deleted comes back. Four rounds, each continuing from what the last kill left.
 */
class SnapshotCrashTest {
    static final long SIZE = 8L << 20;
    static final int CHUNK = 64 * 1024;

    @RegisterExtension
    final MemoryDir memory = new MemoryDir();

    @Test
    void sigkillMidCopyOnWrite_everySnapshotStillReadsItsPointInTime() throws Exception {
        Path dir = memory.path();
        SplittableRandom rnd = new SplittableRandom(11);
        Map<Long, byte[]> expected = new HashMap<>();
        Set<Long> deleted = new HashSet<>();
        byte[] base = new byte[(int) SIZE];
        int checked = 0;
        for (int round = 0; round < 4; round++) {
            Run run = runAndKill(dir, round, 20 + rnd.nextInt(80));
            // replay the batches the child committed, noting the image at each snapshot's point
            byte[] image = base.clone();
            Map<Long, byte[]> atBatch = new HashMap<>();
            for (long b = 0; b <= run.lastBatch + 1; b++) {
                if (b % SnapshotCrashChild.EVERY == 0) {
                    atBatch.put(b, image.clone()); // a snapshot is taken after this many batches
                }
                for (SnapshotCrashChild.Write w : SnapshotCrashChild.writes(round, b)) {
                    System.arraycopy(w.data(), 0, image, (int) w.offset(), w.data().length);
                }
            }
            run.completed.forEach((id, b) -> expected.put(id, atBatch.get(b)));
            deleted.addAll(run.deleted);
            try (StoreFixture f = new StoreFixture(dir, SIZE, CHUNK, 0)) {
                Set<Long> present = new HashSet<>();
                for (SnapshotInfo i : f.store.list()) {
                    present.add(i.id());
                    byte[] want = expected.get(i.id());
                    if (want == null && run.pendingBatch >= 0) {
                        want = atBatch.get(run.pendingBatch); // completed just before the kill, not reported yet
                        expected.put(i.id(), want);
                    }
                    assertTrue(want != null, "round " + round + ": snapshot " + i.name() + " was never taken");
                    assertArrayEquals(want, f.readImage(i.id()), "round " + round + ": snapshot " + i.name());
                    checked++;
                }
                for (long id : expected.keySet()) {
                    // a deletion the kill interrupted may have happened or not
                    assertTrue(present.contains(id) || deleted.contains(id) || id == run.deleting, "round " + round
                            + ": snapshot #" + id + " is lost");
                }
                if (!present.contains(run.deleting)) {
                    deleted.add(run.deleting);
                }
                for (long id : run.deleted) {
                    assertFalse(present.contains(id), "round " + round + ": deleted snapshot #" + id + " came back");
                }
                base = f.readLive();
            }
        }
        assertTrue(checked >= 6, "too few snapshots checked to mean anything: " + checked);
    }

    /** What one child reported before it was killed. */
    private record Run(Map<Long, Long> completed, Set<Long> deleted, long lastBatch, long pendingBatch,
                       long deleting) {
    }

    private static Run runAndKill(Path dir, int round, int killAfterBatches) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SnapshotCrashChild.class.getName(), dir.toString(), Integer.toString(round));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        Map<Long, Long> completed = new HashMap<>();
        Set<Long> deletedIds = new HashSet<>();
        long lastBatch = -1;
        long pending = -1;
        long deleting = -1;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "T" -> pending = Long.parseLong(f[1]);
                    case "S" -> {
                        completed.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
                        pending = -1;
                    }
                    case "X" -> deleting = Long.parseLong(f[1]);
                    case "D" -> deletedIds.add(Long.parseLong(f[1]));
                    case "W" -> {
                        lastBatch = Long.parseLong(f[1]);
                        if (lastBatch == killAfterBatches) {
                            // SIGKILL through the handle: the next batch is under way
                            child.toHandle().destroyForcibly();
                        }
                    }
                    default -> { }
                }
            }
        } finally {
            child.toHandle().destroyForcibly();
            child.waitFor();
        }
        assertTrue(lastBatch >= killAfterBatches || lastBatch >= 0, "the child did no work: " + Files.list(dir).toList());
        return new Run(completed, deletedIds, lastBatch, pending, deleting);
    }
}
