package org.understudy.primary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.ToLongFunction;
import org.understudy.mirror.MirroredVolume;

/**
 * The primary's side of the link path, once an interval: acknowledged writes count as the standby's life on the
 * link, and every {@link #every} intervals one idle link, in turn, gets a KEEPALIVE whose acknowledgement counts too.
 * The standby counts any frame on any of a primary's links as its life, so one frame per {@link #every} intervals is
 * enough for both sides; each idle link still speaks every few of those (a dead one is found by its unanswered
 * KEEPALIVE, and the standby gives back the buffer a burst made it grow). A KEEPALIVE per volume per interval made a
 * standby of 100 primaries x 4 volumes receive and answer 1,600 of them a second; one per primary per interval, 400,
 * still cost an idle standby some 6 % of a core in wake-ups. Not thread-safe: the node's health scheduler calls it.
 */
final class LinkLife {
    private final Map<String, Long> lastAcked = new LinkedHashMap<>();
    private final int every;
    private int turn;
    private int ticks;

    /** @param every intervals between two KEEPALIVEs (1: every interval) */
    LinkLife(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("keepalive every " + every + " intervals");
        }
        this.every = every;
    }

    /**
     * Intervals between KEEPALIVEs for a link path of {@code interval} and {@code timeout}: as many whole intervals
     * as fit four times into the timeout (2 with the defaults 250 ms and 2 s, so an idle link path is heard every
     * 500 ms), at least 1. A peer's failure is found no later: its path goes down a timeout after it was last heard,
     * and a live peer's link stays four KEEPALIVEs away from that timeout.
     */
    static int every(java.time.Duration interval, java.time.Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toNanos() / 4 / interval.toNanos()));
    }

    /** One interval's look at {@code volumes}; {@code heard} runs when the standby showed life on a link. */
    void tick(Map<String, MirroredVolume> volumes, Runnable heard) {
        tick(volumes, MirroredVolume::writesAcked, MirroredVolume::keepalive, heard);
    }

    /**
     * The same over any links: {@code acked} reads a link's count of acknowledged writes, {@code keepalive} sends a
     * KEEPALIVE whose acknowledgement runs the given callback (false: the link is down, nothing sent).
     */
    <V> void tick(Map<String, V> volumes, ToLongFunction<V> acked, BiPredicate<V, Runnable> keepalive, Runnable heard) {
        List<V> idle = new ArrayList<>(volumes.size());
        boolean anyAcked = false;
        for (Map.Entry<String, V> e : volumes.entrySet()) {
            long now = acked.applyAsLong(e.getValue());
            Long before = lastAcked.put(e.getKey(), now);
            if (before != null && now != before) {
                anyAcked = true;
            } else {
                idle.add(e.getValue());
            }
        }
        if (anyAcked) {
            heard.run();
        }
        if (++ticks < every) {
            return;
        }
        ticks = 0;
        for (int tried = 0; tried < idle.size(); tried++) {
            if (keepalive.test(idle.get(Math.floorMod(turn++, idle.size())), heard)) {
                return;
            }
        }
    }
}
