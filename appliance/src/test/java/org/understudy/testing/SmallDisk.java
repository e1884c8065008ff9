package org.understudy.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.understudy.storage.FileTrees;

/**
 * A small file system of its own for a test that must run out of room for real (ENOSPC): a tmpfs of a given size
 * mounted on a fresh directory. Mounting needs root: elsewhere the test is skipped. Close unmounts it (use it in
 * try-with-resources, so a failing test unmounts too).
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final boolean ours;

    private SmallDisk(Path dir, boolean ours) {
        this.dir = dir;
        this.ours = ours;
    }

    /** Mounts a tmpfs of {@code bytes} (a multiple of 4 KiB); skips the test when that cannot be done here. */
    public static SmallDisk mount(long bytes) throws IOException, InterruptedException {
        assumeRoot();
        Path dir = Files.createTempDirectory("understudy-small-disk-");
        int rc = run("mount", "-t", "tmpfs", "-o", "size=" + (bytes >> 10) + "k", "understudy-test", dir.toString());
        if (rc != 0) {
            Files.deleteIfExists(dir);
        }
        Assumptions.assumeTrue(rc == 0, "mount -t tmpfs refused here (exit " + rc + ")");
        return new SmallDisk(dir, true);
    }

    /**
     * Mounts a tmpfs of {@code bytes} over the directory {@code dir} after copying what it holds onto it (a node's
     * state directory moved onto a small disk); close unmounts it and leaves the directory empty.
     */
    public static SmallDisk mountOver(Path dir, long bytes) throws IOException, InterruptedException {
        assumeRoot();
        Path aside = Files.createTempDirectory(dir.getParent(), "aside-");
        int rc = run("cp", "-a", dir + "/.", aside.toString());
        if (rc == 0) {
            rc = run("mount", "-t", "tmpfs", "-o", "size=" + (bytes >> 10) + "k", "understudy-test", dir.toString());
        }
        if (rc == 0 && run("cp", "-a", aside + "/.", dir.toString()) != 0) {
            run("umount", dir.toString());
            throw new IOException("cannot copy " + dir + " onto its tmpfs");
        }
        FileTrees.delete(aside);
        Assumptions.assumeTrue(rc == 0, "mount -t tmpfs refused here (exit " + rc + ")");
        return new SmallDisk(dir, false);
    }

    /** Skips the test unless it runs as root (mounting needs it). */
    public static void assumeRoot() throws IOException {
        Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "a tmpfs of its own needs root");
    }

    public Path path() {
        return dir;
    }

    /** Free bytes left. */
    public long free() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Fills what is left with file {@code name} until the file system refuses; returns its size. */
    public long fill(String name) throws IOException {
        ByteBuffer ones = ByteBuffer.allocate(4096);
        long n = 0;
        try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            while (true) {
                n += ch.write(ones.clear(), n);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        return n;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (int i = 0; i < 50 && run("umount", dir.toString()) != 0; i++) {
            TimeUnit.MILLISECONDS.sleep(100); // a file still open somewhere: try again shortly
        }
        if (ours) {
            FileTrees.delete(dir);
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
