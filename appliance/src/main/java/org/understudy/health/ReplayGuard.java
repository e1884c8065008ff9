package org.understudy.health;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Rejects replayed heartbeats: per sender and path, a heartbeat is accepted only if its sequence is newer than the
 * last accepted one of the same boot. A new boot id is accepted (the sender restarted) and the old one retired, so a
 * recording of an earlier boot is refused too. Per path, because paths have different latencies and each path has
 * its own sequence. Thread-safe (synchronized; called at heartbeat rate).
 */
public final class ReplayGuard {
    private static final int RETIRED_BOOTS_KEPT = 16;

    private static final class SenderState {
        long bootId;
        long lastSequence;
        final Deque<Long> retired = new ArrayDeque<>();
    }

    private final Map<String, SenderState> senders = new HashMap<>();

    /** True if {@code hb} is fresh (and records it); false if it is a replay. */
    public synchronized boolean accept(Heartbeat hb) {
        String key = hb.sender() + '\u0000' + hb.path();
        SenderState s = senders.get(key);
        if (s == null) {
            s = new SenderState();
            s.bootId = hb.bootId();
            s.lastSequence = hb.sequence();
            senders.put(key, s);
            return true;
        }
        if (s.bootId == hb.bootId()) {
            if (hb.sequence() <= s.lastSequence) {
                return false;
            }
            s.lastSequence = hb.sequence();
            return true;
        }
        if (s.retired.contains(hb.bootId())) {
            return false;
        }
        s.retired.addLast(s.bootId);
        if (s.retired.size() > RETIRED_BOOTS_KEPT) {
            s.retired.removeFirst();
        }
        s.bootId = hb.bootId();
        s.lastSequence = hb.sequence();
        return true;
    }
}
