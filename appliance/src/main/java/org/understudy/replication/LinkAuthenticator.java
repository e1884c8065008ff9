package org.understudy.replication;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 proofs of the cluster key for the replication handshake. Each role has its own label, so a proof made
 * by one role never verifies as the other's (reflection). Immutable; thread-safe (a {@link Mac} per call).
 */
public final class LinkAuthenticator {
    /** Which end is proving. */
    public enum Role {
        PRIMARY("understudy-repl/primary"), STANDBY("understudy-repl/standby");

        private final byte[] label;

        Role(String label) {
            this.label = label.getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** What both sides agreed on; bound into every proof so a proof for one volume or size cannot serve another. */
    public record Transcript(int version, int maxFrame, String primary, String volume, long size) {
    }

    private final SecretKeySpec key;
    private final SecureRandom random;

    public LinkAuthenticator(byte[] clusterKey, SecureRandom random) {
        if (clusterKey == null || clusterKey.length == 0) {
            throw new IllegalArgumentException("cluster key is empty");
        }
        this.key = new SecretKeySpec(clusterKey.clone(), "HmacSHA256");
        this.random = random;
    }

    public byte[] newNonce() {
        byte[] n = new byte[HandshakeMessages.NONCE_SIZE];
        random.nextBytes(n);
        return n;
    }

    /** The proof {@code role} gives over the peer's nonce {@code theirNonce} (and its own {@code myNonce}). */
    public byte[] prove(Role role, byte[] theirNonce, byte[] myNonce, Transcript t) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(role.label);
            mac.update((byte) 0);
            mac.update(theirNonce);
            mac.update(myNonce);
            byte[] p = t.primary().getBytes(StandardCharsets.UTF_8);
            byte[] v = t.volume().getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(4 + 4 + 2 + p.length + 2 + v.length + 8);
            b.putInt(t.version()).putInt(t.maxFrame()).putShort((short) p.length).put(p).putShort((short) v.length)
                    .put(v).putLong(t.size());
            mac.update(b.array());
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time check of a proof {@code role} claims to have made over {@code myNonce}. */
    public boolean verify(Role role, byte[] proof, byte[] myNonce, byte[] theirNonce, Transcript t) {
        return MessageDigest.isEqual(prove(role, myNonce, theirNonce, t), proof);
    }
}
