package org.understudy.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Small durable-file helpers for the state files every node keeps (identities, fences, replica metadata, the
 * automatic-failover switch): a file is replaced whole or not at all, and is on disk when the call returns.
 * Stateless and thread-safe.
 */
public final class DurableFiles {

    private DurableFiles() {
    }

    /** Forces a directory's entries (a created or renamed file) to disk; a no-op where the OS cannot. */
    public static void fsyncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (System.getProperty("os.name", "").toLowerCase().startsWith("windows")) {
                return; // directories cannot be opened there; rename is still atomic
            }
            throw e;
        }
    }

    /** Replaces {@code target} atomically with {@code content}: temp file, fsync, rename, fsync directory. */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(dir);
    }

    /** Replaces {@code target} atomically with {@code props} in properties format, under a {@code comment} line. */
    public static void storeProperties(Path target, java.util.Properties props, String comment) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        props.store(out, comment);
        writeAtomically(target, out.toByteArray());
    }
}
