package org.understudy.web.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.understudy.config.WebUser;

/**
 * The console's sessions, in memory (a node restart logs everyone out). A session ends after {@code idle} without a
 * request, after {@link #MAX_AGE} whatever happens, or at logout. Ids and CSRF tokens are 256 random bits. Time is
 * the injected monotonic clock. Thread-safe.
 */
public final class SessionStore {
    /** No session outlives this, active or not. */
    public static final Duration MAX_AGE = Duration.ofHours(12);
    /** Sessions kept at once; the oldest are dropped past it, so a login flood cannot exhaust memory. */
    static final int MAX_SESSIONS = 10_000;

    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random;
    private final LongSupplier nanos;
    private final long idleNanos;

    public SessionStore(Duration idle, LongSupplier nanos, SecureRandom random) {
        this.idleNanos = idle.toNanos();
        this.nanos = nanos;
        this.random = random;
    }

    /** A new session for a login that just proved its password. */
    public WebSession create(String user, WebUser.Role role) {
        sweep();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(java.util.Comparator.comparingLong(WebSession::lastSeenNanos))
                    .ifPresent(s -> sessions.remove(s.id()));
        }
        WebSession s = new WebSession(token(), user, role, token(), nanos.getAsLong());
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session with this id, its idle time restarted; empty when unknown or expired (then forgotten). */
    public Optional<WebSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        WebSession s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        long now = nanos.getAsLong();
        if (expired(s, now)) {
            sessions.remove(id);
            return Optional.empty();
        }
        s.seen(now);
        return Optional.of(s);
    }

    /** Whether the session is still live, without counting this as activity (live pushes are not requests). */
    public boolean live(WebSession s) {
        return sessions.containsKey(s.id()) && !expired(s, nanos.getAsLong());
    }

    public void invalidate(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Forgets every expired session. */
    public void sweep() {
        long now = nanos.getAsLong();
        sessions.values().removeIf(s -> expired(s, now));
    }

    public int size() {
        return sessions.size();
    }

    private boolean expired(WebSession s, long now) {
        return now - s.lastSeenNanos() > idleNanos || now - s.createdNanos() > MAX_AGE.toNanos();
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
