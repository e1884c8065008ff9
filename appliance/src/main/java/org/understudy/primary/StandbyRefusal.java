package org.understudy.primary;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a primary makes of the standby's refusal of one of its links. Two refusals mean "you are fenced": by name
 * ({@code fenced at epoch N ...}, the standby's fence store) and by data identity ({@code primary epoch M is older
 * than the replica's epoch N}, a replica whose epoch was raised: the way a primary that lost its fence record learns
 * it). Either fences the primary unless it already holds epoch N or newer: the standby hands a primary the epoch only
 * after lifting that fence, so such a refusal is of a handshake begun before it took the epoch. Other refusals
 * (sizes, unknown volume) are not about fencing. A pure function; thread-safe.
 */
final class StandbyRefusal {
    private static final Pattern BY_NAME = Pattern.compile("fenced at epoch (\\d+)");
    private static final Pattern BY_EPOCH = Pattern.compile("older than the replica's epoch (\\d+)");

    /** The outcome for one refusal. */
    sealed interface Decision {
    }

    /** Fence now; {@code cause} names both epochs and is what status, alarm and log say. */
    record Fence(String cause) implements Decision {
    }

    /** A fencing refusal this primary has outgrown (it holds the standby's epoch already). */
    record Stale(String why) implements Decision {
    }

    /** Not about fencing. */
    record Other() implements Decision {
    }

    private StandbyRefusal() {
    }

    /** @param ownEpoch the lowest epoch this primary's volume identities hold */
    static Decision decide(String reason, long ownEpoch) {
        Matcher named = BY_NAME.matcher(reason);
        Matcher data = BY_EPOCH.matcher(reason);
        boolean byName = named.find();
        if (!byName && !data.find()) {
            return new Other();
        }
        long theirs = Long.parseLong(byName ? named.group(1) : data.group(1));
        if (ownEpoch >= theirs) {
            return new Stale("this primary already holds epoch " + ownEpoch + " (standby's " + theirs + "): " + reason);
        }
        String who = byName ? "the standby fenced this primary at epoch " + theirs
                : "the standby's replicas are at epoch " + theirs;
        return new Fence(who + ", this primary holds epoch " + ownEpoch + " (a newer history exists there): " + reason);
    }
}
