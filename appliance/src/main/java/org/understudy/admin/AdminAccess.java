package org.understudy.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.AdminToken;
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.security.AuthFailures;
import org.understudy.security.NodeCredential;
import org.understudy.security.NonceGuard;

/**
 * Who may call the admin API: operator tokens (each with a name and a role, read-only or operator) on the ordinary
 * routes, the node credential ({@link NodeCredential}) and nothing else on the internal ones. Every refusal goes to
 * {@link AuthFailures}, and a source that keeps failing is slowed down ({@link SourceBackoff}: 429 with
 * {@code Retry-After}). Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every
 * configured token without stopping at a match, so the time taken says nothing about any of them. Thread-safe.
 */
public final class AdminAccess {
    private static final Logger LOG = LogManager.getLogger(AdminAccess.class);

    /** What a route asks of its callers. */
    public enum Level {
        /** Anyone (health probes). */
        PUBLIC,
        /** An operator token of either role; actions check the role in the command API. */
        TOKEN,
        /** The node credential only: node-to-node calls; an operator token gets 403. */
        NODE
    }

    /**
     * Who a request comes from.
     *
     * @param name     the token's name or the calling node's; empty for a public route
     * @param operator may act (an operator token, or a node)
     * @param node     authenticated with the node credential
     */
    public record Caller(String name, boolean operator, boolean node) {
        public static final Caller ANONYMOUS = new Caller("", false, false);
    }

    /** The outcome of {@link #check}. */
    public sealed interface Outcome {
        record Allowed(Caller caller) implements Outcome {
        }

        /** @param retryAfterSeconds for a 429, when to come back; 0 otherwise */
        record Refused(int status, String message, long retryAfterSeconds) implements Outcome {
        }
    }

    private record Known(AdminToken token, byte[] digest) {
    }

    private final List<Known> tokens;
    private final NodeCredential nodeCredential;
    private final AuthFailures failures;
    private final SourceBackoff backoff = new SourceBackoff();
    private final NonceGuard nonces = new NonceGuard();
    private final LongSupplier wallMillis;

    /**
     * @param tokens         the operator tokens (at least one)
     * @param nodeCredential the cluster's node credential; null: internal routes refuse everyone
     * @param wallMillis     wall time in milliseconds (back-off and the node credential's time stamps)
     */
    public AdminAccess(List<AdminToken> tokens, NodeCredential nodeCredential, AuthFailures failures,
                       LongSupplier wallMillis) {
        if (tokens.isEmpty() || tokens.stream().anyMatch(t -> t.token() == null || t.token().isEmpty())) {
            throw new IllegalArgumentException("admin tokens must not be empty");
        }
        this.tokens = tokens.stream().map(t -> new Known(t, sha256(t.token()))).toList();
        this.nodeCredential = nodeCredential;
        this.failures = failures;
        this.wallMillis = wallMillis;
    }

    /** One operator token, no node credential, failures not recorded (tests, tools). */
    public static AdminAccess token(String token) {
        return new AdminAccess(List.of(new AdminToken(AdminToken.ADMIN, token, true)), null, AuthFailures.NONE,
                System::currentTimeMillis);
    }

    /**
     * Decides one request. {@code body} is read only for {@link Level#NODE} (the credential signs it).
     *
     * @param source the peer's address without port
     */
    public Outcome check(Level level, String method, String path, byte[] body, String authorization, String source) {
        if (level == Level.PUBLIC) {
            return new Outcome.Allowed(Caller.ANONYMOUS);
        }
        long now = wallMillis.getAsLong();
        long blocked = backoff.blockedFor(source, now);
        if (blocked > 0) {
            long seconds = (blocked + 999) / 1000;
            failures.record(new AuthFailure(AuthFace.ADMIN_API, source, "", "slowed down: " + method + " " + path
                    + " answered 429 for " + seconds + " s more"));
            return new Outcome.Refused(429, "too many refused authentications from " + source + "; retry in "
                    + seconds + " s", seconds);
        }
        boolean nodeScheme = authorization != null
                && authorization.regionMatches(true, 0, NodeCredential.SCHEME + " ", 0, NodeCredential.SCHEME.length() + 1);
        if (level == Level.NODE) {
            return nodeScheme ? node(method, path, body, authorization, source, now)
                    : internalWithoutNodeCredential(method, path, authorization, source, now);
        }
        AdminToken t = nodeScheme ? null : bearer(authorization);
        if (t == null) {
            return refuse(source, "", authorization == null ? "no credential" : "wrong bearer token", now,
                    401, "missing or wrong bearer token");
        }
        backoff.success(source);
        return new Outcome.Allowed(new Caller(t.name(), t.operator(), false));
    }

    private Outcome node(String method, String path, byte[] body, String authorization, String source, long now) {
        if (nodeCredential == null) {
            return refuse(source, "", "node credential on a node without the cluster key", now, 401,
                    "this node accepts no node credential");
        }
        NodeCredential.Verdict v = nodeCredential.verify(authorization, method, path, body, wallMillis, nonces);
        return switch (v) {
            case NodeCredential.Verdict.Valid ok -> {
                backoff.success(source);
                yield new Outcome.Allowed(new Caller(ok.node(), true, true));
            }
            case NodeCredential.Verdict.Invalid bad -> refuse(source, bad.node(), bad.reason(), now, 401,
                    "node credential refused: " + bad.reason());
        };
    }

    /** An internal route called with a bearer token (or nothing): 403 for a real token, 401 otherwise. */
    private Outcome internalWithoutNodeCredential(String method, String path, String authorization, String source,
                                                 long now) {
        AdminToken t = bearer(authorization);
        if (t == null) {
            return refuse(source, "", authorization == null ? "no credential on an internal call"
                    : "wrong credential on an internal call", now, 401, "internal calls need the node credential");
        }
        // a real operator token, in the wrong place: on record, but it is not a guess, so no back-off
        failures.record(new AuthFailure(AuthFace.ADMIN_API, source, t.name(), "operator token on internal call "
                + method + " " + path + " (403)"));
        return new Outcome.Refused(403, path + " is a node-to-node call: it needs the node credential, an operator "
                + "token is never enough", 0);
    }

    private Outcome refuse(String source, String user, String reason, long now, int status, String message) {
        failures.record(new AuthFailure(AuthFace.ADMIN_API, source, user, reason));
        long backoffMillis = backoff.failure(source, now);
        if (backoffMillis > 0) {
            LOG.warn("admin API: {} keeps failing to authenticate ({}); its requests are answered 429 for {} ms",
                    source, reason, backoffMillis);
        }
        return new Outcome.Refused(status, message, 0);
    }

    /** The token a {@code Bearer} header carries, compared with every known one in constant time; null if none. */
    private AdminToken bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        byte[] given = sha256(header.substring(7).trim());
        AdminToken match = null;
        for (Known k : tokens) {
            if (MessageDigest.isEqual(given, k.digest()) && match == null) {
                match = k.token();
            }
        }
        return match;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
