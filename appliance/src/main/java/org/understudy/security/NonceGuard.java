package org.understudy.security;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the nonces of accepted node credentials for as long as their time stamps could still be accepted
 * (twice {@link NodeCredential#MAX_SKEW_MILLIS}), so each signed request is accepted once. Only requests whose MAC
 * verified reach it, so only key holders can fill it; still bounded ({@link #MAX}), refusing rather than forgetting
 * when full. Thread-safe (synchronized; node-to-node calls are a few a second).
 */
public final class NonceGuard {
    static final int MAX = 100_000;
    private static final long KEEP_MILLIS = 2 * NodeCredential.MAX_SKEW_MILLIS;

    /** Nonce → its request's time stamp, in insertion order (roughly time order). */
    private final Map<String, Long> seen = new LinkedHashMap<>();

    /** True the first time {@code nonce} is offered (and records it); false for a replay or when full. */
    public synchronized boolean firstUse(String nonce, long stampMillis, long nowMillis) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (nowMillis - e.getValue() <= KEEP_MILLIS) {
                break;
            }
            it.remove();
        }
        if (seen.containsKey(nonce) || seen.size() >= MAX) {
            return false;
        }
        seen.put(nonce, stampMillis);
        return true;
    }
}
