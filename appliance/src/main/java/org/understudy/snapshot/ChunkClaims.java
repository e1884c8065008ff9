package org.understudy.snapshot;

import java.util.HashMap;
import java.util.Map;

/**
 * The chunks whose preservation is under way, by member, with the writer (batch) preserving each: a second writer
 * of the same chunk waits until the first one's preservation took effect, so an old content is never copied after a
 * write already changed it. Not thread-safe: guarded by the store's state monitor.
 */
final class ChunkClaims {
    private final Map<SnapshotState.Member, Map<Long, Object>> claims = new HashMap<>();

    /** Who preserves {@code chunk} of {@code member} now, or null. */
    Object owner(SnapshotState.Member member, long chunk) {
        Map<Long, Object> mine = claims.get(member);
        return mine == null ? null : mine.get(chunk);
    }

    void take(SnapshotState.Member member, long chunk, Object owner) {
        claims.computeIfAbsent(member, k -> new HashMap<>()).put(chunk, owner);
    }

    /** Ends a claim; true if there was one. */
    boolean release(SnapshotState.Member member, long chunk) {
        Map<Long, Object> mine = claims.get(member);
        if (mine == null || mine.remove(chunk) == null) {
            return false;
        }
        if (mine.isEmpty()) {
            claims.remove(member);
        }
        return true;
    }
}
