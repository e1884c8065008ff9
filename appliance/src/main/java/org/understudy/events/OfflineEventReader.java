package org.understudy.events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.understudy.model.EventEntry;
import org.understudy.model.EventQuery;
import org.understudy.model.EventSource;

/**
 * Reads the event log of a stopped node straight from its state directory (the CLI's {@code --state-dir}): the file
 * log if there is one, else the Derby database. Never writes: no retention, no new rows. A running node holds a Derby
 * database; opening it then fails with a message that says so (a file log is read as it stands). Thread-safe.
 */
public final class OfflineEventReader implements EventSource, AutoCloseable {
    private final EventStore store;

    private OfflineEventReader(EventStore store) {
        this.store = store;
    }

    /**
     * @throws EventLogException when there is no event log in {@code stateDir} or it cannot be opened
     */
    public static OfflineEventReader open(Path stateDir) {
        Path file = stateDir.resolve(FileEventStore.FILE_NAME);
        if (Files.isRegularFile(file)) {
            return new OfflineEventReader(FileEventStore.openReadOnly(file));
        }
        Path db = stateDir.resolve(StoredEventLog.DB_DIR);
        if (!Files.isDirectory(db)) {
            throw new EventLogException("no event log in " + stateDir.toAbsolutePath() + " (expected the file "
                    + file.toAbsolutePath() + " or the directory " + db.toAbsolutePath()
                    + "); is this a node's state directory?");
        }
        return new OfflineEventReader(DerbyEventStore.open(db));
    }

    @Override
    public synchronized List<EventEntry> query(EventQuery query) {
        return store.query(query);
    }

    @Override
    public synchronized void close() {
        store.close();
    }
}
