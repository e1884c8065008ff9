package org.understudy.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Guarantees one process per state directory (two processes writing the same replicas or bitmaps would corrupt them)
 * and records the process id so operators and {@code demo --stop} can find the node. Released on close; a SIGKILLed
 * process releases its lock with the process, and the stale pid file is simply overwritten at the next start.
 */
public final class NodeLock implements AutoCloseable {
    public static final String PID_FILE = "understudy.pid";
    private static final String LOCK_FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;
    private final Path pidFile;

    private NodeLock(FileChannel channel, FileLock lock, Path pidFile) {
        this.channel = channel;
        this.lock = lock;
        this.pidFile = pidFile;
    }

    /** Takes the state directory for {@code nodeName}, or explains who holds it. */
    public static NodeLock acquire(Path stateDir, String nodeName) throws IOException {
        Files.createDirectories(stateDir);
        FileChannel ch = FileChannel.open(stateDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            ch.close();
            String holder = readPid(stateDir).map(p -> " (pid " + p + ")").orElse("");
            throw new IOException("node " + nodeName + " is already running on state directory " + stateDir + holder);
        }
        Path pid = stateDir.resolve(PID_FILE);
        Files.writeString(pid, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        return new NodeLock(ch, l, pid);
    }

    /** The pid recorded in a state directory, if any. */
    public static java.util.Optional<Long> readPid(Path stateDir) {
        try {
            String s = Files.readString(stateDir.resolve(PID_FILE), StandardCharsets.US_ASCII).trim();
            return java.util.Optional.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // a stale pid file is harmless: the next start overwrites it
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel on exit releases the lock anyway
        }
    }
}
