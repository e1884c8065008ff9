package org.understudy.primary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.understudy.storage.DurableFiles;

/**
 * A primary's own record that it is fenced (the standby took its role, or refused its link as fenced): a small file
 * in its state directory, written durably before the primary stops serving, so a restarted primary stays fenced even
 * when it cannot reach the standby. Only the standby's word (a failback or a cleared fence) removes it.
 * Thread-safe through its owner (PrimaryNode serialises changes).
 */
final class PrimaryFence {
    static final String FILE = "FENCED";

    /** Why and since when. */
    record State(String reason, Instant since) {
    }

    private final Path file;

    PrimaryFence(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    Optional<State> read() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(file, StandardCharsets.UTF_8).split("\n", 2);
            return Optional.of(new State(parts.length > 1 ? parts[1].trim() : "fenced", Instant.parse(parts[0].trim())));
        } catch (IOException | RuntimeException e) {
            // a damaged marker still means fenced: never serve on doubt
            return Optional.of(new State("fence marker unreadable: " + e.getMessage(), Instant.now()));
        }
    }

    void write(State s) throws IOException {
        Files.createDirectories(file.getParent());
        DurableFiles.writeAtomically(file, (s.since() + "\n" + s.reason() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void remove() throws IOException {
        Files.deleteIfExists(file);
        DurableFiles.fsyncDirectory(file.getParent());
    }
}
