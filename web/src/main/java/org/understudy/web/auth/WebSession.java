package org.understudy.web.auth;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import org.understudy.command.Actor;
import org.understudy.config.WebUser;
import org.understudy.model.ActorFace;

/**
 * One logged-in browser: its login, role and CSRF token. The id travels only in the session cookie; the CSRF token
 * only in pages and the requests they send. Immutable but for the time of the last request, which the
 * {@link SessionStore} updates. Thread-safe.
 */
public final class WebSession {
    /** The request attribute under which the guard leaves the session of an authenticated request. */
    public static final String ATTRIBUTE = "org.understudy.web.session";

    private final String id;
    private final String user;
    private final WebUser.Role role;
    private final String csrf;
    private final long createdNanos;
    private volatile long lastSeenNanos;

    WebSession(String id, String user, WebUser.Role role, String csrf, long nowNanos) {
        this.id = id;
        this.user = user;
        this.role = role;
        this.csrf = csrf;
        this.createdNanos = nowNanos;
        this.lastSeenNanos = nowNanos;
    }

    public String id() {
        return id;
    }

    public String user() {
        return user;
    }

    public WebUser.Role role() {
        return role;
    }

    public boolean operator() {
        return role == WebUser.Role.OPERATOR;
    }

    /** The token every state-changing request of this session must carry. */
    public String csrf() {
        return csrf;
    }

    /** Whether {@code token} is this session's CSRF token (constant time). */
    public boolean csrfMatches(String token) {
        return token != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.US_ASCII),
                token.getBytes(StandardCharsets.US_ASCII));
    }

    /** Who acts when this session asks the command API: the login, through the web face, with its role. */
    public Actor actor() {
        return new Actor(user, ActorFace.WEB, operator());
    }

    long createdNanos() {
        return createdNanos;
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    void seen(long nowNanos) {
        lastSeenNanos = nowNanos;
    }
}
