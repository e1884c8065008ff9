package org.understudy.resync;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child JVM for {@link DirtyBitmapCrashTest}: marks and clears regions forever, reporting each completed operation on
 * stdout ("M first last ." after a mark returned, "C region ." before a clear starts), until it is SIGKILLed.
 */
public final class DirtyBitmapCrashChild {

    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        long volumeSize = Long.parseLong(args[1]);
        SplittableRandom rnd = new SplittableRandom(Long.parseLong(args[2]));
        int r = DirtyBitmap.DEFAULT_REGION_SIZE;
        int e = DirtyBitmap.DEFAULT_EXTENT_SIZE;
        DirtyBitmap bm = Files.exists(path)
                ? DirtyBitmap.open("child", path, volumeSize, r, e, DirtyBitmap.OnBadFile.FAIL, System::nanoTime)
                : DirtyBitmap.create("child", path, volumeSize, r, e, false, System::nanoTime);
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        long regions = bm.regionCount();
        long[] recent = new long[64];
        int n = 0;
        long hotBase = rnd.nextLong(volumeSize / e) * e;
        for (long op = 0; ; op++) {
            if (rnd.nextInt(20) == 0) {
                hotBase = rnd.nextLong(volumeSize / e) * e; // move the working set: a new extent becomes hot
            }
            int kind = rnd.nextInt(10);
            if (kind < 7) {
                long offset = Math.min(volumeSize - 1, hotBase + rnd.nextLong(2L * e));
                long length = 1 + rnd.nextLong(Math.min(3L * r, volumeSize - offset));
                bm.markBeforeWrite(offset, length);
                long first = offset / r;
                long last = (offset + length - 1) / r;
                recent[n++ & 63] = first;
                emit(out, "M " + first + " " + last + " .\n");
            } else if (kind < 9 && n > 0) {
                long region = recent[rnd.nextInt(Math.min(n, 64))];
                emit(out, "C " + region + " .\n");
                bm.clearRegion(region);
            } else {
                bm.flush();
            }
            if (op % 500 == 499 && regions > 0) {
                bm.flush();
            }
        }
    }

    private static void emit(FileOutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.US_ASCII)); // one write(2): a pipe never splits it
    }
}
