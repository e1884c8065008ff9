package org.understudy.replica;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.understudy.storage.DurableFiles;

/**
 * The small metadata file next to a replica image: its size, whether it is consistent (a state its volume passed
 * through) and whether it is fresh (created by us, never written, all zeros). Written atomically and durably (temp
 * file, force, rename, force the directory), so after a crash it is either the old or the new content. Immutable
 * value; {@link #store} is not thread-safe for one path (the owning {@link Replica} serialises it).
 */
record ReplicaMetadata(long size, boolean consistent, boolean fresh, Instant updated) {

    static ReplicaMetadata load(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        try {
            return new ReplicaMetadata(Long.parseLong(p.getProperty("size", "-1")),
                    Boolean.parseBoolean(p.getProperty("consistent", "false")),
                    Boolean.parseBoolean(p.getProperty("fresh", "false")),
                    Instant.parse(p.getProperty("updated", Instant.EPOCH.toString())));
        } catch (RuntimeException e) {
            throw new IOException(file + ": unreadable replica metadata: " + e.getMessage(), e);
        }
    }

    void store(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("size", Long.toString(size));
        p.setProperty("consistent", Boolean.toString(consistent));
        p.setProperty("fresh", Boolean.toString(fresh));
        p.setProperty("updated", updated.toString());
        DurableFiles.storeProperties(file, p, "Understudy replica metadata");
    }

    ReplicaMetadata with(boolean newConsistent, boolean newFresh, Instant now) {
        return new ReplicaMetadata(size, newConsistent, newFresh, now);
    }
}
