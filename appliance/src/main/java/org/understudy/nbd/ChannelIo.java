package org.understudy.nbd;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Blocking full reads and writes on a socket channel. Stateless and thread-safe. */
final class ChannelIo {
    private ChannelIo() {
    }

    /**
     * Fills {@code buf}; returns false when the peer closed before sending any byte of it.
     *
     * @throws EOFException when the peer closed part-way through
     */
    static boolean readFullyOrEof(SocketChannel ch, ByteBuffer buf) throws IOException {
        int want = buf.remaining();
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                int got = want - buf.remaining();
                if (got == 0) {
                    return false;
                }
                throw new EOFException("peer closed after " + got + " of " + want + " bytes");
            }
        }
        return true;
    }

    /** Fills {@code buf} or throws {@link EOFException}. */
    static void readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        if (!readFullyOrEof(ch, buf)) {
            throw new EOFException("peer closed before " + buf.remaining() + " expected bytes");
        }
    }

    /** Writes every remaining byte of {@code buf}. */
    static void writeFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Writes every remaining byte of {@code a} then {@code b} with gathering writes. */
    static void writeFully(SocketChannel ch, ByteBuffer[] pair) throws IOException {
        ByteBuffer last = pair[pair.length - 1];
        while (last.hasRemaining() || pair[0].hasRemaining()) {
            ch.write(pair);
        }
    }
}
