package org.understudy.standby;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.mirror.ServedDevice;
import org.understudy.resync.ByteRange;
import org.understudy.storage.FileBlockDevice;

class StandInMarksTest {
    @TempDir
    Path dir;

    @Test
    void dirtyExtents_coverEveryWriteSinceMarkClean_mergedAndClipped() throws Exception {
        try (FileBlockDevice dev = FileBlockDevice.open(dir.resolve("v.img"), 1 << 20, "v")) {
            StandInMarks marks = new StandInMarks(dev.size(), null);
            ServedDevice d = ServedDevice.marking(dev, marks);
            d.write(0, ByteBuffer.allocate(10), false);
            marks.markClean();
            d.write(70_000, ByteBuffer.allocate(100), false);          // region 1
            d.writeZeroes(131_072, 65_536, false, true);                // region 2, merges with 1
            d.trim((1 << 20) - 10, 10, false);                          // last region
            assertEquals(List.of(new ByteRange(65_536, 131_072), new ByteRange((1 << 20) - 65_536, 65_536)),
                    marks.dirtyExtents());
        }
    }

}
