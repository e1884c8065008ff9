package org.understudy.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential only nodes hold, for node-to-node calls on the admin API ({@code /api/internal/...}: drain, resume,
 * fence, copy-from, copy-status). Its key is derived from the cluster key (an HMAC-SHA256 of a fixed label under the
 * cluster key), so it is never the operator's token and never travels. A request carries
 * <pre>
 *   Authorization: Understudy-Node node="standby", ts=1733450000000, nonce="…", mac="…"
 * </pre>
 * where {@code mac} is the HMAC-SHA256 over the scheme version, the calling node, the method, the path, the wall-clock
 * time in milliseconds, a random nonce and the SHA-256 of the body. The receiver accepts it only within
 * {@link #MAX_SKEW_MILLIS} of its own clock and only once per nonce ({@link NonceGuard}), so a recorded call cannot be
 * replayed and a changed body, path or method does not verify. Immutable; thread-safe (a {@link Mac} per call).
 */
public final class NodeCredential {
    /** The {@code Authorization} scheme. */
    public static final String SCHEME = "Understudy-Node";
    /** How far a request's time may be from the receiver's clock (nodes keep their clocks in step; see install). */
    public static final long MAX_SKEW_MILLIS = 60_000;
    private static final byte[] LABEL = "understudy-admin-internal/v1".getBytes(StandardCharsets.US_ASCII);
    private static final String VERSION = "v1";

    /** The outcome of {@link #verify}: the calling node's name, or why the request is refused. */
    public sealed interface Verdict {
        record Valid(String node) implements Verdict {
        }

        record Invalid(String node, String reason) implements Verdict {
        }
    }

    private final SecretKeySpec key;
    private final SecureRandom random;

    private NodeCredential(byte[] derived, SecureRandom random) {
        this.key = new SecretKeySpec(derived, "HmacSHA256");
        this.random = random;
    }

    /** The credential of the cluster whose key is {@code clusterKey}. */
    public static NodeCredential fromClusterKey(byte[] clusterKey) {
        if (clusterKey == null || clusterKey.length < 16) {
            throw new IllegalArgumentException("cluster key must be at least 16 bytes");
        }
        return new NodeCredential(hmac(new SecretKeySpec(clusterKey.clone(), "HmacSHA256"), LABEL),
                new SecureRandom());
    }

    /** The {@code Authorization} header value for {@code node}'s request, made at {@code wallMillis}. */
    public String sign(String node, String method, String path, byte[] body, long wallMillis) {
        byte[] n = new byte[16];
        random.nextBytes(n);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
        String mac = Base64.getEncoder().encodeToString(mac(node, method, path, body, wallMillis, nonce));
        return SCHEME + " node=\"" + node + "\", ts=" + wallMillis + ", nonce=\"" + nonce + "\", mac=\"" + mac + "\"";
    }

    /**
     * Checks {@code header} for this request: the scheme, the MAC (compared in constant time), the time within
     * {@link #MAX_SKEW_MILLIS} of {@code wall} and, last, that the nonce was not seen before.
     */
    public Verdict verify(String header, String method, String path, byte[] body, LongSupplier wall,
                          NonceGuard nonces) {
        Optional<Map<String, String>> parsed = parse(header);
        if (parsed.isEmpty()) {
            return new Verdict.Invalid("", "not an " + SCHEME + " credential");
        }
        Map<String, String> f = parsed.get();
        String node = f.get("node");
        String nonce = f.get("nonce");
        long ts;
        byte[] given;
        try {
            ts = Long.parseLong(f.get("ts"));
            given = Base64.getDecoder().decode(f.get("mac"));
        } catch (RuntimeException e) {
            return new Verdict.Invalid(node == null ? "" : node, "malformed " + SCHEME + " credential");
        }
        if (node == null || nonce == null || nonce.length() > 64) {
            return new Verdict.Invalid(node == null ? "" : node, "malformed " + SCHEME + " credential");
        }
        if (!MessageDigest.isEqual(mac(node, method, path, body, ts, nonce), given)) {
            return new Verdict.Invalid(node, "wrong node credential (not made with this cluster's key, or the "
                    + "request was altered)");
        }
        long now = wall.getAsLong();
        if (Math.abs(now - ts) > MAX_SKEW_MILLIS) {
            return new Verdict.Invalid(node, "node credential made " + (now - ts) / 1000 + " s from this node's "
                    + "clock (more than " + MAX_SKEW_MILLIS / 1000 + " s: replayed, or the clocks differ)");
        }
        if (!nonces.firstUse(nonce, ts, now)) {
            return new Verdict.Invalid(node, "node credential replayed (nonce seen before)");
        }
        return new Verdict.Valid(node);
    }

    private byte[] mac(String node, String method, String path, byte[] body, long ts, String nonce) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(body == null ? new byte[0] : body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        String text = String.join("\n", VERSION, node, method, path, Long.toString(ts), nonce,
                HexFormat.of().formatHex(digest));
        return hmac(key, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** {@code Understudy-Node k="v", k=v, ...} into its fields; empty if it is not that scheme. */
    static Optional<Map<String, String>> parse(String header) {
        if (header == null || !header.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)
                || header.length() > 1024) {
            return Optional.empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : header.substring(SCHEME.length() + 1).split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                return Optional.empty();
            }
            String k = part.substring(0, eq).trim();
            String v = part.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            out.put(k, v);
        }
        return out.keySet().containsAll(java.util.List.of("node", "ts", "nonce", "mac")) ? Optional.of(out)
                : Optional.empty();
    }
}
