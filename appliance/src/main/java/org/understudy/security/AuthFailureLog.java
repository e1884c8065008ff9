package org.understudy.security;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.events.EventLogRecorder;
import org.understudy.model.AlarmKind;

/**
 * The node's record of refused authentications. The first failure of a face, source and user goes to the event log
 * (and the log file) at once; later ones within a minute of it are only counted, and {@link #tick} writes one row
 * with their count when that minute is over: at most a row per face, source and user per minute, however many
 * attempts arrive. Past {@link #MAX_KEYS} distinct keys in a window, further sources and users are counted together
 * so memory stays bounded too. A sustained rate of failures (more than {@code alarmPerMinute} in the last minute,
 * all faces together) raises {@link AlarmKind#AUTH_FAILURES}, cleared once a minute stays below it.
 *
 * <p>Thread-safe: {@link #record} is called on the faces' request threads and does no I/O of its own (rows are
 * queued by the recorder); {@link #tick} runs on one housekeeping thread every few seconds.
 */
public final class AuthFailureLog implements AuthFailures {
    private static final Logger LOG = LogManager.getLogger(AuthFailureLog.class);
    /** Distinct face/source/user windows kept at once; beyond it they are merged. */
    static final int MAX_KEYS = 1024;
    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int BUCKETS = 12;
    private static final long BUCKET_NANOS = WINDOW.toNanos() / BUCKETS;
    private static final String ALARM_RESOURCE_SUFFIX = "/auth";

    private record Key(AuthFace face, String source, String user) {
    }

    /** One key's current window: when it began (monotonic and wall), failures counted since the first row. */
    private static final class Window {
        final long startNanos;
        final Instant startWall;
        long pending;
        String lastReason;

        Window(long startNanos, Instant startWall, String reason) {
            this.startNanos = startNanos;
            this.startWall = startWall;
            this.lastReason = reason;
        }
    }

    private final String node;
    private final EventLogRecorder recorder;
    private final AlarmRegistry alarms;
    private final LongSupplier nanos;
    private final InstantSource wall;
    private final long alarmPerMinute;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();
    /** Failures per 5 s bucket over the last minute, for the alarm; indexed by bucket number modulo BUCKETS. */
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS);
    private final long[] bucketEpoch = new long[BUCKETS];
    private volatile boolean alarmed;
    /** Every refusal since start, per face. */
    private final Map<AuthFace, java.util.concurrent.atomic.LongAdder> totals = new java.util.EnumMap<>(AuthFace.class);

    /**
     * @param node           this node's name (the rows' resource)
     * @param nanos          monotonic time, for the windows
     * @param wall           wall time, for what a person reads
     * @param alarmPerMinute failures in one minute above which the alarm is raised
     */
    public AuthFailureLog(String node, EventLogRecorder recorder, AlarmRegistry alarms, LongSupplier nanos,
                          InstantSource wall, long alarmPerMinute) {
        this.node = node;
        this.recorder = recorder;
        this.alarms = alarms;
        this.nanos = nanos;
        this.wall = wall;
        this.alarmPerMinute = alarmPerMinute;
        for (AuthFace face : AuthFace.values()) {
            totals.put(face, new java.util.concurrent.atomic.LongAdder());
        }
    }

    @Override
    public Map<AuthFace, Long> counts() {
        Map<AuthFace, Long> out = new java.util.EnumMap<>(AuthFace.class);
        totals.forEach((face, n) -> out.put(face, n.sum()));
        return out;
    }

    @Override
    public void record(AuthFailure f) {
        long now = nanos.getAsLong();
        count(now);
        totals.get(f.face()).increment();
        Key key = new Key(f.face(), f.source(), f.user());
        if (!windows.containsKey(key) && windows.size() >= MAX_KEYS) {
            key = new Key(f.face(), "(many sources)", "(many users)");
        }
        boolean[] first = new boolean[1];
        windows.compute(key, (k, w) -> {
            if (w == null) {
                first[0] = true;
                return new Window(now, wall.instant(), f.reason());
            }
            w.pending++;
            w.lastReason = f.reason();
            return w;
        });
        if (first[0]) {
            LOG.warn("{}: authentication refused on the {} from {}{}: {} (further failures from it are counted, "
                    + "one event a minute)", node, f.face().label(), key.source(),
                    key.user().isEmpty() ? "" : " as '" + key.user() + "'", f.reason());
            recorder.recordAuthFailure(node, f.face().actorFace(), f.face().label(), key.source(), key.user(), 1,
                    f.reason(), wall.instant());
        }
    }

    private void count(long now) {
        long epoch = Math.floorDiv(now, BUCKET_NANOS);
        int i = (int) Math.floorMod(epoch, (long) BUCKETS);
        synchronized (bucketEpoch) {
            if (bucketEpoch[i] != epoch) {
                bucketEpoch[i] = epoch;
                buckets.set(i, 0);
            }
        }
        buckets.incrementAndGet(i);
    }

    /** Failures counted in the last minute (all faces). */
    long lastMinute() {
        long epoch = Math.floorDiv(nanos.getAsLong(), BUCKET_NANOS);
        long sum = 0;
        synchronized (bucketEpoch) {
            for (int i = 0; i < BUCKETS; i++) {
                if (epoch - bucketEpoch[i] < BUCKETS) {
                    sum += buckets.get(i);
                }
            }
        }
        return sum;
    }

    /**
     * Closes the windows that are a minute old (one row each for the failures counted in them) and raises or clears
     * the alarm. Call every few seconds.
     */
    public void tick() {
        long now = nanos.getAsLong();
        for (Map.Entry<Key, Window> e : windows.entrySet()) {
            Key k = e.getKey();
            windows.computeIfPresent(k, (key, w) -> {
                if (now - w.startNanos < WINDOW.toNanos()) {
                    return w;
                }
                if (w.pending == 0) {
                    return null; // quiet for a minute: the next failure is reported at once again
                }
                recorder.recordAuthFailure(node, k.face().actorFace(), k.face().label(), k.source(), k.user(),
                        w.pending, w.lastReason, w.startWall);
                LOG.warn("{}: {} more authentication(s) refused on the {} from {}{} in the minute since {}", node,
                        w.pending, k.face().label(), k.source(), k.user().isEmpty() ? "" : " as '" + k.user() + "'",
                        w.startWall);
                return new Window(now, wall.instant(), w.lastReason);
            });
        }
        long rate = lastMinute();
        if (rate > alarmPerMinute) {
            alarms.raise(AlarmKind.AUTH_FAILURES, node + ALARM_RESOURCE_SUFFIX, rate
                    + " authentications refused in the last minute (more than " + alarmPerMinute + ")");
            alarmed = true;
        } else if (alarmed) {
            alarms.clear(AlarmKind.AUTH_FAILURES, node + ALARM_RESOURCE_SUFFIX, rate
                    + " refused in the last minute, at most " + alarmPerMinute);
            alarmed = false;
        }
    }

    /** Windows currently open (for tests and status). */
    int openWindows() {
        return windows.size();
    }
}
