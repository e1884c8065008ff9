package org.understudy.events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;

/**
 * The event log of a node, stored in {@code <stateDir>/events} (Derby, behind {@link DerbyEventStore}) or in
 * {@code <stateDir>/events.log} ({@link FileEventStore}; see {@link EventLogFormat}).
 *
 * <p>Writing: {@link #append} puts the row on a bounded queue (capacity {@value #DEFAULT_QUEUE_CAPACITY}) drained by
 * one daemon thread, {@value #WRITER_THREAD}, which commits what it finds in one transaction. When the queue is full
 * the row is <em>dropped and counted</em> rather than blocking: the callers are heartbeat, detector and failover
 * threads, and a full queue means storage has stalled for seconds, so waiting would turn a logging problem into a
 * late failover. Drops are logged (first and every 1000th) and, once the writer catches up, stored as a
 * {@link EventKind#NODE} row saying how many were lost. {@link #appendSync} and {@link #flush} (operator actions,
 * tests) wait for the commit instead, after everything queued before them.
 *
 * <p>Retention is applied when the log opens and every hour on the injected scheduler.
 *
 * <p>Thread-safe.
 */
public final class StoredEventLog implements EventLog {
    private static final Logger LOG = LogManager.getLogger(StoredEventLog.class);

    public static final String WRITER_THREAD = "understudy-eventlog-writer";
    public static final int DEFAULT_QUEUE_CAPACITY = 8192;
    public static final Duration RETENTION_PERIOD = Duration.ofHours(1);
    /** Subdirectory of the state directory holding the database. */
    public static final String DB_DIR = "events";
    /** Where a Derby log goes once its rows are in a file log. */
    public static final String MIGRATED_DIR = "events.derby-moved";

    private static final int BATCH_MAX = 256;
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private sealed interface Item permits Row, Marker, Stop {}

    private record Row(EventEntry entry, CompletableFuture<Long> done) implements Item {}

    private record Marker(CompletableFuture<Long> done) implements Item {}

    private record Stop() implements Item {}

    private final EventStore store;
    private final Object storeLock = new Object();
    private final Retention retention;
    private final Clock wallClock;
    private final BlockingQueue<Item> queue;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long droppedReported;
    private final AutoCloseable retentionTask;
    private volatile boolean closed;

    /**
     * Opens (creating if needed) the event log in {@code <stateDir>/events}, applies retention, and starts the writer.
     *
     * @param wallClock wall time for retention cut-offs (rows carry their own time)
     * @param scheduler runs retention every {@link #RETENTION_PERIOD}
     * @throws EventLogException naming the directory when it is held by another process or unreadable
     */
    public static StoredEventLog open(Path stateDir, Retention retention, Clock wallClock, PeriodicScheduler scheduler) {
        return open(stateDir, EventLogFormat.DERBY, retention, wallClock, scheduler);
    }

    /**
     * Opens the event log in {@code format}: Derby in {@code <stateDir>/events/}, or the file
     * {@code <stateDir>/events.log}. A file log opened where only a Derby log exists (a node upgraded from a version
     * that kept every log in Derby) starts with the Derby log's rows, ids kept; the Derby directory is then renamed
     * {@value #MIGRATED_DIR}.
     */
    public static StoredEventLog open(Path stateDir, EventLogFormat format, Retention retention, Clock wallClock,
                                     PeriodicScheduler scheduler) {
        EventStore store = switch (format) {
            case DERBY -> DerbyEventStore.open(stateDir.resolve(DB_DIR));
            case FILE -> {
                Path file = stateDir.resolve(FileEventStore.FILE_NAME);
                if (!Files.exists(file) && Files.isDirectory(stateDir.resolve(DB_DIR))) {
                    moveDerbyRows(stateDir, file);
                }
                yield FileEventStore.open(file);
            }
        };
        return new StoredEventLog(store, retention, wallClock, scheduler, DEFAULT_QUEUE_CAPACITY);
    }

    /** Copies every row of the Derby log into a new file log, then renames the Derby directory aside. */
    private static void moveDerbyRows(Path stateDir, Path file) {
        long t0 = System.nanoTime();
        List<EventEntry> rows = new ArrayList<>();
        try (DerbyEventStore derby = DerbyEventStore.open(stateDir.resolve(DB_DIR))) {
            long before = 0;
            while (true) {
                List<EventEntry> page = derby.query(EventQuery.all().limit(EventQuery.MAX_LIMIT).beforeId(before));
                rows.addAll(page);
                if (page.size() < EventQuery.MAX_LIMIT) {
                    break;
                }
                before = page.get(page.size() - 1).id();
            }
        }
        Collections.reverse(rows);
        FileEventStore.create(file, rows);
        try {
            Files.move(stateDir.resolve(DB_DIR), stateDir.resolve(MIGRATED_DIR));
        } catch (IOException e) {
            LOG.warn("event log: rows copied to {}, but the Derby log {} could not be renamed: {}", file,
                    stateDir.resolve(DB_DIR), e.toString());
        }
        LOG.info("event log: moved {} rows from the Derby log to {} in {} ms; the Derby log is kept in {} (delete it"
                + " when no longer needed)", rows.size(), file, (System.nanoTime() - t0) / 1_000_000,
                stateDir.resolve(MIGRATED_DIR));
    }

    StoredEventLog(EventStore store, Retention retention, Clock wallClock, PeriodicScheduler scheduler,
                  int queueCapacity) {
        this.store = Objects.requireNonNull(store, "store");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        applyRetentionLogged();
        this.writer = new Thread(this::writeLoop, WRITER_THREAD);
        writer.setDaemon(true);
        // the loop catches what storage throws; this is for Errors, so a dead writer is never silent
        writer.setUncaughtExceptionHandler((t, e) -> LOG.fatal("event log: writer thread died; from now on rows are"
                + " queued until full, then dropped and counted", e));
        writer.start();
        this.retentionTask = scheduler.every(RETENTION_PERIOD, this::applyRetentionLogged);
    }

    @Override
    public void append(EventEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (closed || !queue.offer(new Row(entry, null))) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.error("event log: {} rows dropped so far ({}; queue capacity {}), latest: {} {} {}", n,
                        closed ? "log closed" : "writer behind", queue.remainingCapacity() + queue.size(),
                        entry.kind(), entry.resource(), entry.message());
            }
        }
    }

    @Override
    public long appendSync(EventEntry entry) {
        Objects.requireNonNull(entry, "entry");
        return await(new Row(entry, new CompletableFuture<>()), "append " + entry.kind());
    }

    @Override
    public void flush() {
        await(new Marker(new CompletableFuture<>()), "flush");
    }

    private long await(Item item, String what) {
        CompletableFuture<Long> done = item instanceof Row r ? r.done() : ((Marker) item).done();
        long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
        try {
            if (closed || !queue.offer(item, SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new EventLogException("event log: " + what + " not accepted: "
                        + (closed ? "log closed" : "writer behind for " + SYNC_TIMEOUT.toSeconds() + " s"));
            }
            return done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EventLogException("event log: interrupted waiting for " + what, e);
        } catch (TimeoutException e) {
            throw new EventLogException("event log: " + what + " not committed within "
                    + SYNC_TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new EventLogException("event log: " + what + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public List<EventEntry> query(EventQuery query) {
        synchronized (storeLock) {
            return store.query(query);
        }
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    /** Rows the store refused (storage errors), since the log was opened. */
    public long failed() {
        return failed.get();
    }

    /** Rows stored now (a point-in-time figure). */
    public long count() {
        synchronized (storeLock) {
            return store.count();
        }
    }

    @Override
    public int applyRetention() {
        int deleted = 0;
        synchronized (storeLock) {
            if (retention.maxAge() != null) {
                Instant cutoff = wallClock.instant().minus(retention.maxAge());
                deleted += store.deleteOlderThan(cutoff);
            }
            if (retention.maxRows() > 0) {
                deleted += store.keepNewest(retention.maxRows());
            }
        }
        return deleted;
    }

    private void applyRetentionLogged() {
        try {
            long t0 = System.nanoTime();
            int deleted = applyRetention();
            LOG.info("event log: retention (max age {}, max rows {}) deleted {} rows in {} ms", retention.maxAge(),
                    retention.maxRows(), deleted, (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.error("event log: retention failed: {}", e.getMessage(), e);
        }
    }

    private void writeLoop() {
        List<Item> batch = new ArrayList<>(BATCH_MAX);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                LOG.warn("event log: writer interrupted; {} rows left unwritten", queue.size());
                return;
            }
            queue.drainTo(batch, BATCH_MAX - 1);
            boolean stop = write(batch);
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    /** Writes a batch in order; returns whether a stop was in it. Never throws: the writer must outlive errors. */
    private boolean write(List<Item> batch) {
        List<Row> rows = new ArrayList<>();
        reportDrops(rows);
        for (Item item : batch) {
            switch (item) {
                case Row r -> rows.add(r);
                case Marker m -> {
                    commit(rows);
                    rows.clear();
                    m.done().complete(0L);
                }
                case Stop s -> {
                    commit(rows);
                    return true;
                }
            }
        }
        commit(rows);
        return false;
    }

    private void commit(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            long[] ids;
            synchronized (storeLock) {
                ids = store.insert(rows.stream().map(Row::entry).toList());
            }
            for (int i = 0; i < ids.length; i++) {
                if (rows.get(i).done() != null) {
                    rows.get(i).done().complete(ids[i]);
                }
            }
        } catch (RuntimeException batchFailure) {
            if (rows.size() > 1) {
                // one bad row must not lose the rest: store them one by one
                for (Row r : rows) {
                    commit(List.of(r));
                }
            } else {
                failed.incrementAndGet();
                Row r = rows.get(0);
                LOG.error("event log: row not stored ({} {} {}): {}", r.entry().kind(), r.entry().resource(),
                        r.entry().message(), batchFailure.getMessage(), batchFailure);
                if (r.done() != null) {
                    r.done().completeExceptionally(batchFailure);
                }
            }
        }
    }

    private void reportDrops(List<Row> rows) {
        long now = dropped.get();
        if (now > droppedReported) {
            long lost = now - droppedReported;
            droppedReported = now;
            rows.add(new Row(EventEntry.of(wallClock.instant(), EventKind.NODE, null, "eventlog",
                    lost + " event rows dropped: the writer fell behind (" + now + " since start)", null), null));
        }
    }

    /** Rows that raced with close (queued after the stop) are counted as dropped; their waiters are told. */
    private void abandonLeftovers() {
        List<Item> left = new ArrayList<>();
        queue.drainTo(left);
        EventLogException closedError = new EventLogException("event log closed before the row was written");
        for (Item item : left) {
            switch (item) {
                case Row r -> {
                    dropped.incrementAndGet();
                    if (r.done() != null) {
                        r.done().completeExceptionally(closedError);
                    }
                }
                case Marker m -> m.done().completeExceptionally(closedError);
                case Stop s -> { }
            }
        }
        if (!left.isEmpty()) {
            LOG.error("event log: {} items queued after close were not written", left.size());
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            retentionTask.close();
        } catch (Exception e) {
            LOG.warn("event log: stopping retention failed: {}", e.toString());
        }
        try {
            if (!queue.offer(new Stop(), CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                writer.interrupt();
            }
            writer.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("event log: writer did not finish within {} s; {} rows unwritten", CLOSE_TIMEOUT.toSeconds(),
                    queue.size());
            writer.interrupt();
        }
        abandonLeftovers();
        synchronized (storeLock) {
            store.close();
        }
        LOG.info("event log: closed ({} dropped, {} failed since open)", dropped.get(), failed.get());
    }
}
