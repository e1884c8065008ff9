package org.understudy.standby;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;
import org.understudy.model.BandwidthCaps;

/**
 * The standby's view of each primary's bandwidth caps, which the primaries themselves enforce: the cluster file's
 * caps at start, every change made through the standby as the primary confirmed it, and what each primary's own
 * status says (read every {@link StandbyNode#CAPS_REFRESH}), so a change made directly at a primary shows too.
 * Thread-safe.
 */
final class CapsView {
    private final BandwidthCaps configured;
    private final Map<String, BandwidthCaps> caps = new ConcurrentHashMap<>();

    CapsView(BandwidthCaps configured) {
        this.configured = configured;
    }

    /**
     * Takes in the caps a primary's status shows.
     *
     * @return true if they differ from what the view held
     */
    boolean observed(String primary, BandwidthCaps seen) {
        BandwidthCaps before = caps.put(primary, seen);
        return !seen.equals(before == null ? configured : before);
    }

    BandwidthCaps of(String primary) {
        return caps.getOrDefault(primary, configured);
    }

    /**
     * Takes in a primary's answer to a cap change. The primary reports the cap now in force for that traffic
     * ({@code effectiveBytesPerSecond}, the tighter of its link and global caps); without it nothing is assumed.
     */
    void confirmed(String primary, Command.SetThrottle t, CommandResult r) {
        if (!r.ok() || !(r.details().get("effectiveBytesPerSecond") instanceof Number n)) {
            return;
        }
        long effective = n.longValue();
        caps.compute(primary, (p, c) -> {
            BandwidthCaps now = c == null ? configured : c;
            return t.traffic() == Command.Traffic.MIRROR ? now.withMirror(effective) : now.withResync(effective);
        });
    }
}
