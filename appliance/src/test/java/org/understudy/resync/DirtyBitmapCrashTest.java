package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the bitmap's central promise across a real process death: a child JVM marks regions and is SIGKILLed
 * mid-stream; every region it had reported as marked (and not later started clearing) must be dirty on reopen.
 */
class DirtyBitmapCrashTest {

    @TempDir
    Path dir;

    @Test
    void sigkillMidStream_everyReportedMarkSurvives() throws Exception {
        Path file = dir.resolve("crash.bitmap");
        long volumeSize = 2L << 30;
        int regions = (int) (volumeSize / DirtyBitmap.DEFAULT_REGION_SIZE);
        BitSet required = new BitSet(regions);
        SplittableRandom rnd = new SplittableRandom(42);
        long totalMarks = 0;
        for (int round = 0; round < 3; round++) {
            int killAfter = 3000 + rnd.nextInt(12000);
            totalMarks += runAndKill(file, volumeSize, round, killAfter, required);
            try (DirtyBitmap bm = DirtyBitmap.open("parent", file, volumeSize, DirtyBitmap.DEFAULT_REGION_SIZE,
                    DirtyBitmap.DEFAULT_EXTENT_SIZE, DirtyBitmap.OnBadFile.FAIL, System::nanoTime)) {
                List<Integer> lost = new ArrayList<>();
                for (int r = required.nextSetBit(0); r >= 0; r = required.nextSetBit(r + 1)) {
                    if (!bm.isDirty(r)) {
                        lost.add(r);
                    }
                }
                assertTrue(lost.isEmpty(), "round " + round + ": regions reported marked but clean after SIGKILL: "
                        + lost.subList(0, Math.min(20, lost.size())));
                assertTrue(bm.dirtyRegionCount() >= required.cardinality());
                // leave the file as the child left it except for what close() persists; the next child reopens it
            }
        }
        assertTrue(totalMarks > 3000, "child made too few marks to mean anything: " + totalMarks);
    }

    private long runAndKill(Path file, long volumeSize, int round, int killAfterLines, BitSet required)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                DirtyBitmapCrashChild.class.getName(), file.toString(), Long.toString(volumeSize),
                Long.toString(1000 + round));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        long marks = 0;
        int lines = 0;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (lines++ == killAfterLines) {
                    // SIGKILL via the handle: Process.destroyForcibly would also close our end of the pipe
                    child.toHandle().destroyForcibly();
                }
                if (!line.endsWith(" .")) {
                    continue; // a line the kill cut short reports nothing
                }
                String[] f = line.split(" ");
                if (f[0].equals("M")) {
                    required.set(Integer.parseInt(f[1]), Integer.parseInt(f[2]) + 1);
                    marks++;
                } else if (f[0].equals("C")) {
                    required.clear(Integer.parseInt(f[1]));
                }
            }
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
        }
        assertTrue(lines > killAfterLines, "child stopped early after " + lines + " lines, exit " + child.exitValue());
        return marks;
    }
}
