package org.understudy.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.understudy.storage.FileTrees;

/**
 * A scratch directory in memory (tmpfs at /dev/shm) for each test, where the machine has one with room, else on disk;
 * deleted after the test (after its {@code @AfterEach} methods). Register with {@code @RegisterExtension}.
 *
 * <p>For tests that measure a rate cap, not the disk: on a disk shared with other writers, buffered writes stall for
 * hundreds of milliseconds whenever the kernel's dirty-page limit is reached (reproduced with a concurrent
 * {@code dd conv=fdatasync}: 30 MB/s under a 40 MB/s cap, with 300 ms gaps), and a short window then measures the
 * neighbours. tmpfs pages are never written back, so the only thing left that paces the writes is the cap.
 */
public final class MemoryDir implements BeforeEachCallback, AfterEachCallback {
    private static final Path SHM = Path.of("/dev/shm");
    private static final long ROOM = 4L << 30;

    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (Files.isDirectory(SHM) && Files.getFileStore(SHM).type().equals("tmpfs")
                && Files.getFileStore(SHM).getUsableSpace() >= ROOM) {
            dir = Files.createTempDirectory(SHM, "understudy-test-");
        } else {
            dir = Files.createTempDirectory("understudy-test-");
            System.out.println("no tmpfs with 4 GiB free at /dev/shm: " + context.getDisplayName() + " runs on disk");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        FileTrees.delete(dir);
    }

    /** The directory of the running test. */
    public Path path() {
        return dir;
    }
}
