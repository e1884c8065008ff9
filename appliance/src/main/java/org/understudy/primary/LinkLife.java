package org.understudy.primary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.understudy.mirror.MirroredVolume;

/**
 * The primary's side of the link path, once an interval: acknowledged writes count as the standby's life on the
 * link, and one idle link, in turn, gets a KEEPALIVE whose acknowledgement counts too. The standby counts any frame on
 * any of a primary's links as its life, so one frame an interval is enough for both sides; each idle link still
 * speaks every few intervals (a dead one is found by its unanswered KEEPALIVE, and the standby gives back the buffer
 * a burst made it grow). A KEEPALIVE per volume per interval made a standby of 100 primaries x 4 volumes receive and
 * answer 1,600 of them a second. Not thread-safe: the node's health scheduler calls it.
 */
final class LinkLife {
    private final Map<String, Long> lastAcked = new LinkedHashMap<>();
    private int turn;

    /** One interval's look at {@code volumes}; {@code heard} runs when the standby showed life on a link. */
    void tick(Map<String, MirroredVolume> volumes, Runnable heard) {
        List<MirroredVolume> idle = new ArrayList<>(volumes.size());
        boolean acked = false;
        for (Map.Entry<String, MirroredVolume> e : volumes.entrySet()) {
            long now = e.getValue().writesAcked();
            Long before = lastAcked.put(e.getKey(), now);
            if (before != null && now != before) {
                acked = true;
            } else {
                idle.add(e.getValue());
            }
        }
        if (acked) {
            heard.run();
        }
        for (int tried = 0; tried < idle.size(); tried++) {
            if (idle.get(Math.floorMod(turn++, idle.size())).keepalive(heard)) {
                return;
            }
        }
    }
}
