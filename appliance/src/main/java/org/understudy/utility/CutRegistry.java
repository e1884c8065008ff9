package org.understudy.utility;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The primary cuts the standby waits for: each names the snapshot it fills and the volumes whose markers are still
 * to come; it completes when the last one arrived. Thread-safe.
 */
final class CutRegistry {
    /** One cut under way. */
    static final class Pending {
        final long id;
        final String primary;
        private final Set<String> waiting;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Pending(long id, String primary, Set<String> volumes) {
            this.id = id;
            this.primary = primary;
            this.waiting = new HashSet<>(volumes);
        }

        /** Whether {@code volume}'s marker is still expected. */
        synchronized boolean expects(String volume) {
            return waiting.contains(volume);
        }

        synchronized void arrived(String volume) {
            waiting.remove(volume);
            if (waiting.isEmpty()) {
                done.complete(null);
            }
        }

        synchronized Set<String> missing() {
            return Set.copyOf(waiting);
        }
    }

    /** By primary and cut id (each primary's snapshot store numbers its own snapshots). */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    Pending expect(long id, String primary, Set<String> volumes) {
        Pending p = new Pending(id, primary, volumes);
        pending.put(key(primary, id), p);
        return p;
    }

    Pending get(String primary, long id) {
        return pending.get(key(primary, id));
    }

    void forget(Pending p) {
        pending.remove(key(p.primary, p.id), p);
    }

    private static String key(String primary, long id) {
        return primary + "#" + id;
    }
}
