package org.understudy.security;

import java.util.Map;

/**
 * Where every face and port reports a refused authentication, so that each lands in the event log as
 * {@code AUTH_FAILURE} (aggregated, so a flood cannot fill it) and a sustained flood raises an alarm. Implementations
 * are thread-safe and return at once: a face calls this on its request thread.
 */
@FunctionalInterface
public interface AuthFailures {
    /** Reports nothing (tests of a face that do not look at authentication failures). */
    AuthFailures NONE = failure -> { };

    void record(AuthFailure failure);

    /** Refusals recorded since start, per face (for metrics); empty where nobody counts. */
    default Map<AuthFace, Long> counts() {
        return Map.of();
    }
}
