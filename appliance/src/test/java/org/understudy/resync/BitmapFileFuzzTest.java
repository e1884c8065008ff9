package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage anywhere in a bitmap file: opening must either refuse with a {@link DirtyBitmapException} or return a
 * bitmap that still covers every region that was dirty. Guards against a damaged file silently reading as "clean".
 */
class BitmapFileFuzzTest {

    @TempDir
    Path dir;

    @Test
    void randomDamage_refusedOrStillCovering_neverLosesADirtyRegion() throws IOException {
        long size = 1L << 30;
        int r = DirtyBitmap.DEFAULT_REGION_SIZE;
        int e = DirtyBitmap.DEFAULT_EXTENT_SIZE;
        Path good = dir.resolve("good.bitmap");
        BitSet dirty = new BitSet();
        SplittableRandom rnd = new SplittableRandom(5);
        try (DirtyBitmap bm = DirtyBitmap.create("f", good, size, r, e, false, System::nanoTime)) {
            for (int i = 0; i < 300; i++) {
                long region = rnd.nextLong(bm.regionCount());
                bm.markBeforeWrite(region * r, 1);
                dirty.set((int) region);
            }
            bm.flush();
            bm.flush(); // everything idle is retired: coverage rests on the snapshot slots alone
        }
        long fileLength = Files.size(good);
        int refused = 0;
        int opened = 0;
        for (int round = 0; round < 300; round++) {
            Path damaged = dir.resolve("d" + round + ".bitmap");
            Files.copy(good, damaged, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(damaged, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    // aim half of the flips at the small structured areas, where damage matters most
                    long pos = rnd.nextBoolean() ? rnd.nextLong(fileLength) : rnd.nextLong(8192);
                    ByteBuffer b = ByteBuffer.allocate(1);
                    ch.read(b, pos);
                    b.put(0, (byte) (b.get(0) ^ (1 + rnd.nextInt(255)))).rewind();
                    ch.write(b, pos);
                }
            }
            try (DirtyBitmap bm = DirtyBitmap.open("f", damaged, size, r, e, DirtyBitmap.OnBadFile.FAIL,
                    System::nanoTime)) {
                opened++;
                for (int i = dirty.nextSetBit(0); i >= 0; i = dirty.nextSetBit(i + 1)) {
                    assertTrue(bm.isDirty(i), "round " + round + ": region " + i + " lost");
                }
            } catch (DirtyBitmapException ex) {
                refused++;
            } catch (RuntimeException ex) {
                fail("round " + round + ": damage escaped as " + ex, ex);
            }
            Files.deleteIfExists(damaged);
        }
        System.out.printf("FIGURE bitmap fuzz: %d damaged files opened still covering, %d refused%n", opened, refused);
        assertTrue(opened > 0 && refused > 0, "both paths exercised: opened " + opened + ", refused " + refused);
    }
}
