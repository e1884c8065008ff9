package org.understudy.replica;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import org.understudy.replication.ClientHandshake;
import org.understudy.replication.Frame;
import org.understudy.replication.FrameChannel;
import org.understudy.replication.FrameType;
import org.understudy.replication.HandshakeMessages;
import org.understudy.replication.IdentityMessage;
import org.understudy.replication.LinkAuthenticator;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.VolumeIdentity;

/** A hand-driven primary end for feeding a standby good and bad bytes. */
final class RawPrimary implements AutoCloseable {
    final SocketChannel socket;
    final FrameChannel frames;
    /** What this primary claims in its IDENTITY frame (a new volume at epoch 0 unless a test sets another). */
    VolumeIdentity identity = VolumeIdentity.newVolume(new SecureRandom());
    /** The standby's IDENTITY answer. */
    IdentityMessage peer;

    RawPrimary(int port) throws IOException {
        socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        frames = new FrameChannel(socket);
    }

    /** Runs the handshake; returns the WELCOME frame's flags. */
    int handshake(byte[] key, String primary, String volume, long size) throws IOException {
        ClientHandshake hs = new ClientHandshake(new LinkAuthenticator(key, new SecureRandom()), primary, volume, size,
                1 << 20);
        frames.write(FrameType.HELLO, 0, 0, hs.hello().encode());
        Frame c = frames.read();
        if (c.type() != FrameType.CHALLENGE) {
            throw new IOException("expected CHALLENGE, got " + c.type());
        }
        frames.write(FrameType.PROOF, 0, 0, hs.onChallenge(HandshakeMessages.Challenge.decode(c.payload())).encode());
        Frame w = frames.read();
        if (w.type() != FrameType.WELCOME) {
            throw new IOException("expected WELCOME, got " + w.type() + " "
                    + (w.type() == FrameType.ERROR ? HandshakeMessages.errorText(w.payload()) : ""));
        }
        frames.write(FrameType.IDENTITY, 0, 0, new IdentityMessage(identity, BitmapInfo.NONE).encode());
        Frame id = frames.read();
        if (id.type() != FrameType.IDENTITY) {
            throw new IOException("expected IDENTITY, got " + id.type() + " "
                    + (id.type() == FrameType.ERROR ? HandshakeMessages.errorText(id.payload()) : ""));
        }
        peer = IdentityMessage.decode(id.payload());
        frames.maxPayload(1 << 20);
        return w.flags();
    }

    void send(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            socket.write(bytes);
        }
    }

    /**
     * Reads until the standby closes the connection; returns the reason of the ERROR frame it sent, or "" if it
     * closed without one. Fails if it closes without reason after sending other frames only.
     */
    String awaitClose() throws IOException {
        String reason = "";
        while (true) {
            Frame f;
            try {
                f = frames.read();
            } catch (EOFException e) {
                return reason;
            } catch (IOException e) {
                return reason.isEmpty() ? "io: " + e.getMessage() : reason;
            }
            if (f.type() == FrameType.ERROR) {
                reason = HandshakeMessages.errorText(f.payload());
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
