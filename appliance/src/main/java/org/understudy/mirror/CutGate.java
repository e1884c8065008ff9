package org.understudy.mirror;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.MirrorState;
import org.understudy.replication.FrameType;

/**
 * One point of a primary's write stream on every volume's link at once: a mirrored write queues its frames while it
 * holds the gate shared, and {@link #cut} holds it exclusively while it queues a SNAPSHOT marker on every link. So a
 * write whose frame precedes the marker on one link was queued before the cut, and every write acknowledged before
 * it started precedes the marker on its own link; no write queued after the cut precedes any marker. The writes
 * wait only while the markers are queued (microseconds). One per primary node, shared by its volumes; thread-safe.
 */
public final class CutGate {
    private static final Logger LOG = LogManager.getLogger(CutGate.class);
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final LongSupplier clock;

    public CutGate(LongSupplier clock) {
        this.clock = clock;
    }

    void enter() {
        lock.readLock().lock();
    }

    void exit() {
        lock.readLock().unlock();
    }

    /** Why a cut was not taken. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * Queues the marker of cut {@code id} on the link of each of {@code volumes} (by name) while no write is queued;
     * returns each volume's marker sequence number. Refused, with nothing queued, unless every link is up, in sync
     * and speaks protocol 3; a link that dies in the very instant leaves the others' markers without effect (the
     * standby waits for every volume's marker and drops a cut that does not complete).
     */
    public Map<String, Long> cut(Map<String, MirroredVolume> volumes, List<String> names, long id) throws Refused {
        for (String n : names) {
            MirroredVolume v = volumes.get(n);
            if (v == null) {
                throw new Refused("no volume " + n);
            }
            String why = v.cutRefusal();
            if (why != null) {
                throw new Refused(n + ": " + why);
            }
        }
        Map<String, Outbound> queued = new LinkedHashMap<>();
        long t0 = clock.getAsLong();
        long held;
        lock.writeLock().lock();
        try {
            for (String n : names) {
                Outbound o = volumes.get(n).queueCutMarker(id);
                if (o == null) {
                    throw new Refused(n + ": its link went down during the cut");
                }
                queued.put(n, o);
            }
        } finally {
            held = clock.getAsLong() - t0;
            lock.writeLock().unlock();
        }
        volumes.forEach((n, v) -> {
            if (queued.containsKey(n)) {
                v.pumpLink();
            }
        });
        Map<String, Long> seqs = new LinkedHashMap<>();
        queued.forEach((n, o) -> seqs.put(n, o.seq));
        LOG.info("cut {}: marker queued on {} link(s) {}; writes held for {} us", id, seqs.size(), seqs, held / 1000);
        return seqs;
    }

    /** True when a volume in this state can take part in a cut. */
    static boolean cuttable(MirrorState state) {
        return state == MirrorState.IN_SYNC;
    }

    /** The marker frame of cut {@code id} on {@code l}; null if the link is dead. */
    static Outbound marker(MirrorLink l, long id) {
        return l.enqueue(FrameType.SNAPSHOT, 0, id, 0, null, false);
    }
}
