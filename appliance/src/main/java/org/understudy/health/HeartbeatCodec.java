package org.understudy.health;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and authenticates heartbeats: a pure function over byte arrays. Layout (big-endian):
 * <pre>
 *   magic "UHB1" (4) | version 1 (1) | sender length (1) | sender UTF-8 | boot id (8) | sequence (8)
 *   | send time ms (8) | path length (1) | path UTF-8 | HMAC-SHA256 of everything before it (32)
 * </pre>
 * Decoding never throws on bad input: it returns a {@link Decoded.Rejected} with a reason. Thread-safe: each thread
 * keeps one keyed {@link Mac} (a standby of 100 primaries signs and checks 800 heartbeats a second; looking the
 * algorithm up and keying it anew for each was a visible share of its idle CPU).
 */
public final class HeartbeatCodec {
    static final int MAGIC = 0x55484231;
    static final byte VERSION = 1;
    static final int MAC_LENGTH = 32;
    static final int MAX_NAME = 64;
    /** magic + version + 2 length bytes + 3 longs + MAC, without the names. */
    static final int FIXED = 4 + 1 + 1 + 8 + 8 + 8 + 1 + MAC_LENGTH;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    /** @param clusterKey the cluster key ({@code Secrets.clusterKey()}); at least 16 bytes */
    public HeartbeatCodec(byte[] clusterKey) {
        if (clusterKey == null || clusterKey.length < 16) {
            throw new IllegalArgumentException("cluster key must be at least 16 bytes");
        }
        this.key = new SecretKeySpec(clusterKey.clone(), ALGORITHM);
    }

    /** Why a message was not accepted. */
    public enum Reason {
        /** Not a heartbeat of this version, truncated, or with bad lengths. */
        MALFORMED,
        /** Well formed, but the MAC does not match: not sent by a holder of the cluster key, or altered. */
        BAD_MAC
    }

    /** The result of {@link #decode}. */
    public sealed interface Decoded {
        record Valid(Heartbeat heartbeat) implements Decoded {
        }

        /** @param claimedSender the sender field if it could be read (not to be trusted), else null */
        record Rejected(Reason reason, String detail, String claimedSender, String claimedPath) implements Decoded {
        }
    }

    public byte[] encode(Heartbeat hb) {
        byte[] sender = name(hb.sender(), "sender");
        byte[] path = name(hb.path(), "path");
        ByteBuffer buf = ByteBuffer.allocate(FIXED + sender.length + path.length);
        buf.putInt(MAGIC).put(VERSION).put((byte) sender.length).put(sender)
                .putLong(hb.bootId()).putLong(hb.sequence()).putLong(hb.sendTimeMillis())
                .put((byte) path.length).put(path);
        buf.put(mac(buf.array(), buf.position()));
        return buf.array();
    }

    public Decoded decode(byte[] msg) {
        if (msg == null || msg.length < FIXED + 2) {
            return new Decoded.Rejected(Reason.MALFORMED, "too short: " + (msg == null ? 0 : msg.length) + " bytes",
                    null, null);
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(msg);
            int magic = buf.getInt();
            if (magic != MAGIC) {
                return new Decoded.Rejected(Reason.MALFORMED, String.format("bad magic 0x%08x", magic), null, null);
            }
            byte version = buf.get();
            if (version != VERSION) {
                return new Decoded.Rejected(Reason.MALFORMED, "unsupported version " + version, null, null);
            }
            String sender = readName(buf);
            if (sender == null) {
                return new Decoded.Rejected(Reason.MALFORMED, "bad sender length", null, null);
            }
            long bootId = buf.getLong();
            long seq = buf.getLong();
            long sendTime = buf.getLong();
            String path = readName(buf);
            if (path == null) {
                return new Decoded.Rejected(Reason.MALFORMED, "bad path length", sender, null);
            }
            int signed = buf.position();
            if (msg.length - signed != MAC_LENGTH) {
                return new Decoded.Rejected(Reason.MALFORMED,
                        "expected " + MAC_LENGTH + " MAC bytes, found " + (msg.length - signed), sender, path);
            }
            byte[] expected = mac(msg, signed);
            byte[] actual = new byte[MAC_LENGTH];
            buf.get(actual);
            if (!MessageDigest.isEqual(expected, actual)) {
                return new Decoded.Rejected(Reason.BAD_MAC, "MAC mismatch", sender, path);
            }
            return new Decoded.Valid(new Heartbeat(sender, bootId, seq, sendTime, path));
        } catch (BufferUnderflowException e) {
            return new Decoded.Rejected(Reason.MALFORMED, "truncated", null, null);
        }
    }

    private static String readName(ByteBuffer buf) {
        int len = Byte.toUnsignedInt(buf.get());
        if (len == 0 || len > MAX_NAME || len > buf.remaining()) {
            return null;
        }
        byte[] b = new byte[len];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] name(String s, String what) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > MAX_NAME) {
            throw new IllegalArgumentException(what + " must be 1.." + MAX_NAME + " bytes: '" + s + "'");
        }
        return b;
    }

    private byte[] mac(byte[] data, int length) {
        Mac mac = macs.get();
        mac.update(data, 0, length);
        return mac.doFinal();   // and ready for the next message
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
