package org.understudy.health;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.transport.DatagramTransport;
import org.understudy.transport.Scheduler;

/**
 * Sends this node's heartbeats: one stream per (path, peer), each at its path's interval, numbered per path from a
 * random boot id; the streams of one interval share one scheduler tick. Thread-safe.
 */
public final class HeartbeatSender {
    private static final Logger LOG = LogManager.getLogger(HeartbeatSender.class);

    private record Target(PathConfig path, DatagramTransport transport, InetSocketAddress peer, AtomicLong seq) {
    }

    private final String self;
    private final long bootId;
    private final HeartbeatCodec codec;
    private final Scheduler scheduler;
    private final InstantSource wall;
    private final List<Target> targets = new CopyOnWriteArrayList<>();
    private final List<Scheduler.Cancellable> running = new CopyOnWriteArrayList<>();
    /** The running tick of each interval (nanoseconds); guarded by this. */
    private final java.util.Map<Long, Scheduler.Cancellable> ticking = new java.util.HashMap<>();

    /** With a random boot id. */
    public HeartbeatSender(String self, HeartbeatCodec codec, Scheduler scheduler, InstantSource wall) {
        this(self, new SecureRandom().nextLong(), codec, scheduler, wall);
    }

    public HeartbeatSender(String self, long bootId, HeartbeatCodec codec, Scheduler scheduler, InstantSource wall) {
        this.self = self;
        this.bootId = bootId;
        this.codec = codec;
        this.scheduler = scheduler;
        this.wall = wall;
    }

    public long bootId() {
        return bootId;
    }

    /** Adds a heartbeat stream to {@code peer} over {@code transport} (the transport of {@code path}). */
    public synchronized void addTarget(PathConfig path, DatagramTransport transport, InetSocketAddress peer) {
        Target t = new Target(path, transport, peer, new AtomicLong());
        targets.add(t);
        if (!running.isEmpty() && !ticking.containsKey(path.interval().toNanos())) {
            tickEvery(path.interval().toNanos());
        }
        LOG.info("{}: heartbeats on path {} to {} every {} ms (boot {})", self, path.id(), peer,
                path.interval().toMillis(), Long.toHexString(bootId));
    }

    /**
     * One scheduled task per distinct interval sends to every target of that interval in one tick: a standby of 100
     * primaries wakes 4 times a second at 250 ms rather than 400 times (each stream keeps its own cadence).
     */
    public synchronized void start() {
        if (running.isEmpty()) {
            for (Target t : targets) {
                long period = t.path().interval().toNanos();
                if (!ticking.containsKey(period)) {
                    tickEvery(period);
                }
            }
        }
    }

    private void tickEvery(long periodNanos) {
        Scheduler.Cancellable c = scheduler.scheduleAtFixedRate(() -> tick(periodNanos), periodNanos);
        ticking.put(periodNanos, c);
        running.add(c);
    }

    private void tick(long periodNanos) {
        for (Target t : targets) {
            if (t.path().interval().toNanos() == periodNanos) {
                send(t);
            }
        }
    }

    public synchronized void stop() {
        running.forEach(Scheduler.Cancellable::cancel);
        running.clear();
        ticking.clear();
    }

    /** Sends one heartbeat on every target now. */
    public void sendAll() {
        targets.forEach(this::send);
    }

    private void send(Target t) {
        Heartbeat hb = new Heartbeat(self, bootId, t.seq().incrementAndGet(), wall.millis(), t.path().id());
        t.transport().send(t.peer(), codec.encode(hb));
    }
}
