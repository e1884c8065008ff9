package org.understudy.utility;

import java.util.List;

/**
 * Asks a primary to queue a snapshot cut marker on every named volume's link (over its admin API on a real standby).
 * Implementations are thread-safe and bounded in time.
 */
@FunctionalInterface
public interface CutRequester {

    /**
     * The primary's answer.
     *
     * @param reached false when the primary could not be asked at all (down, unreachable)
     */
    record Answer(boolean ok, boolean reached, String message) {
    }

    Answer request(String primary, long cut, List<String> volumes);
}
