package org.understudy.replication;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Payloads of the four handshake frames and their pure encoding (layout in {@link FrameCodec}). Records are immutable;
 * the byte arrays they hold are not copied, so callers must not modify them.
 */
public final class HandshakeMessages {
    public static final int NONCE_SIZE = 32;
    public static final int MAC_SIZE = 32;
    private static final int MAX_STRING = 255;

    private HandshakeMessages() {
    }

    /** Primary → standby. */
    public record Hello(int minVersion, int maxVersion, int maxFrame, byte[] nonce, String primary, String volume,
                        long size) {
        public ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(2 + 2 + 4 + NONCE_SIZE + 2 * (2 + MAX_STRING * 4) + 8);
            b.putShort((short) minVersion).putShort((short) maxVersion).putInt(maxFrame).put(nonce);
            putString(b, primary);
            putString(b, volume);
            b.putLong(size);
            return b.flip();
        }

        public static Hello decode(ByteBuffer payload) throws ProtocolException {
            ByteBuffer b = payload.duplicate();
            try {
                Hello h = new Hello(b.getShort() & 0xffff, b.getShort() & 0xffff, b.getInt(), bytes(b, NONCE_SIZE),
                        string(b), string(b), b.getLong());
                end(b, "HELLO");
                return h;
            } catch (BufferUnderflowException e) {
                throw new ProtocolException("HELLO payload truncated (" + payload.remaining() + " bytes)");
            }
        }
    }

    /** Standby → primary. */
    public record Challenge(int version, int maxFrame, byte[] nonce, String standby, byte[] proof) {
        public ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(2 + 4 + NONCE_SIZE + 2 + MAX_STRING * 4 + MAC_SIZE);
            b.putShort((short) version).putInt(maxFrame).put(nonce);
            putString(b, standby);
            b.put(proof);
            return b.flip();
        }

        public static Challenge decode(ByteBuffer payload) throws ProtocolException {
            ByteBuffer b = payload.duplicate();
            try {
                Challenge c = new Challenge(b.getShort() & 0xffff, b.getInt(), bytes(b, NONCE_SIZE), string(b),
                        bytes(b, MAC_SIZE));
                end(b, "CHALLENGE");
                return c;
            } catch (BufferUnderflowException e) {
                throw new ProtocolException("CHALLENGE payload truncated (" + payload.remaining() + " bytes)");
            }
        }
    }

    /** Primary → standby. */
    public record Proof(byte[] proof) {
        public ByteBuffer encode() {
            return ByteBuffer.wrap(proof.clone());
        }

        public static Proof decode(ByteBuffer payload) throws ProtocolException {
            if (payload.remaining() != MAC_SIZE) {
                throw new ProtocolException("PROOF payload must be " + MAC_SIZE + " bytes, is " + payload.remaining());
            }
            return new Proof(bytes(payload.duplicate(), MAC_SIZE));
        }
    }

    /** UTF-8 text of an ERROR frame, bounded so a reason never exceeds a handshake-sized frame. */
    public static ByteBuffer errorPayload(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.wrap(b, 0, Math.min(b.length, 1024));
    }

    /** Decodes an ERROR payload leniently (it is only ever logged). */
    public static String errorText(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate();
        byte[] bytes = new byte[Math.min(b.remaining(), 1024)];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING) {
            throw new IllegalArgumentException("name longer than " + MAX_STRING + " bytes: " + s);
        }
        b.putShort((short) bytes.length).put(bytes);
    }

    private static String string(ByteBuffer b) throws ProtocolException {
        int len = b.getShort() & 0xffff;
        if (len > MAX_STRING) {
            throw new ProtocolException("name of " + len + " bytes in handshake exceeds " + MAX_STRING);
        }
        byte[] bytes = bytes(b, len);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("name in handshake is not valid UTF-8");
        }
    }

    private static byte[] bytes(ByteBuffer b, int n) {
        byte[] out = new byte[n];
        b.get(out);
        return out;
    }

    private static void end(ByteBuffer b, String what) throws ProtocolException {
        if (b.hasRemaining()) {
            throw new ProtocolException(what + " payload has " + b.remaining() + " trailing bytes");
        }
    }
}
