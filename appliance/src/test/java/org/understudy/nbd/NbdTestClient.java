package org.understudy.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-scope minimal NBD client for raw-protocol tests: speaks the handshake and simple replies byte by byte, and can
 * send anything, including garbage. Every read has a socket timeout so a test never hangs. Not thread-safe.
 */
final class NbdTestClient implements AutoCloseable {
    /** What GO/INFO told us about an export. */
    record ExportInfo(long size, int flags, int minBlock, int preferredBlock, int maxBlock, List<NbdHandshakeCodec.OptionReply> replies) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private long nextCookie = 1;
    int handshakeFlags;

    private NbdTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    static NbdTestClient connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        s.setTcpNoDelay(true);
        return new NbdTestClient(s);
    }

    /** Connects, negotiates fixed newstyle with NO_ZEROES and GOes to {@code export}. */
    static NbdTestClient open(int port, String export) throws IOException {
        NbdTestClient c = connect(port);
        c.greet(NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE | NbdConstants.CLIENT_FLAG_NO_ZEROES);
        ExportInfo info = c.go(export);
        if (info == null) {
            c.close();
            throw new IOException("GO " + export + " refused");
        }
        return c;
    }

    /** Reads the greeting and sends client flags. */
    void greet(int clientFlags) throws IOException {
        byte[] g = new byte[NbdConstants.GREETING_SIZE];
        in.readFully(g);
        try {
            handshakeFlags = NbdHandshakeCodec.decodeGreeting(ByteBuffer.wrap(g));
        } catch (NbdProtocolException e) {
            throw new IOException(e.getMessage());
        }
        out.writeInt(clientFlags);
        out.flush();
    }

    void sendOption(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + data.length);
        NbdHandshakeCodec.encodeOptionHeader(b, option, data.length).put(data);
        raw(b.array());
    }

    NbdHandshakeCodec.OptionReply readOptionReply() throws IOException {
        byte[] h = new byte[NbdConstants.OPTION_REPLY_HEADER_SIZE];
        in.readFully(h);
        int len = ByteBuffer.wrap(h, 16, 4).getInt();
        if (len < 0 || len > NbdConstants.MAX_OPTION_LENGTH) {
            throw new IOException("bad option reply length " + len);
        }
        byte[] all = new byte[h.length + len];
        System.arraycopy(h, 0, all, 0, h.length);
        in.readFully(all, h.length, len);
        try {
            return NbdHandshakeCodec.decodeOptionReply(ByteBuffer.wrap(all));
        } catch (NbdProtocolException e) {
            throw new IOException(e.getMessage());
        }
    }

    /** Sends GO (or INFO) and reads replies up to ACK; returns null when the server replied with an error. */
    ExportInfo goOrInfo(int option, String export, int... infos) throws IOException {
        List<Integer> req = new ArrayList<>();
        for (int i : infos) {
            req.add(i);
        }
        ByteBuffer b = ByteBuffer.allocate(6 + export.length() * 4 + 2 * infos.length);
        NbdHandshakeCodec.encodeGoRequest(b, export, req);
        byte[] data = new byte[b.position()];
        b.flip().get(data);
        sendOption(option, data);
        long size = -1;
        int flags = 0, min = 0, pref = 0, max = 0;
        List<NbdHandshakeCodec.OptionReply> replies = new ArrayList<>();
        while (true) {
            NbdHandshakeCodec.OptionReply r = readOptionReply();
            replies.add(r);
            if (r.isError()) {
                lastError = r;
                return null;
            }
            if (r.type() == NbdConstants.REP_ACK) {
                return new ExportInfo(size, flags, min, pref, max, replies);
            }
            ByteBuffer d = ByteBuffer.wrap(r.data());
            int infoType = Short.toUnsignedInt(d.getShort());
            if (infoType == NbdConstants.INFO_EXPORT) {
                size = d.getLong();
                flags = Short.toUnsignedInt(d.getShort());
            } else if (infoType == NbdConstants.INFO_BLOCK_SIZE) {
                min = d.getInt();
                pref = d.getInt();
                max = d.getInt();
            }
        }
    }

    NbdHandshakeCodec.OptionReply lastError;

    ExportInfo go(String export, int... infos) throws IOException {
        return goOrInfo(NbdConstants.OPT_GO, export, infos);
    }

    /** Sends raw bytes as they are. */
    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one request header (and payload, if given); returns the cookie used. */
    long send(int flags, int type, long offset, long length, byte[] payload) throws IOException {
        long cookie = nextCookie++;
        sendWithCookie(cookie, flags, type, offset, length, payload);
        return cookie;
    }

    void sendWithCookie(long cookie, int flags, int type, long offset, long length, byte[] payload) throws IOException {
        raw(request(cookie, flags, type, offset, length, payload));
    }

    /** One request header, followed by its payload if given, as bytes to send (several can go in one {@link #raw}). */
    static byte[] request(long cookie, int flags, int type, long offset, long length, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(NbdConstants.REQUEST_SIZE + (payload == null ? 0 : payload.length));
        new NbdRequest(flags, type, cookie, offset, length).encode(b);
        if (payload != null) {
            b.put(payload);
        }
        return b.array();
    }

    NbdSimpleReply readReply() throws IOException {
        byte[] h = new byte[NbdConstants.SIMPLE_REPLY_SIZE];
        in.readFully(h);
        try {
            return NbdSimpleReply.decode(ByteBuffer.wrap(h));
        } catch (NbdProtocolException e) {
            throw new IOException(e.getMessage());
        }
    }

    byte[] readBytes(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Sends a command without payload and returns the reply's error. */
    int command(int flags, int type, long offset, long length) throws IOException {
        long cookie = send(flags, type, offset, length, null);
        NbdSimpleReply r = readReply();
        if (r.cookie() != cookie) {
            throw new IOException("reply for cookie " + r.cookie() + ", expected " + cookie);
        }
        return r.error();
    }

    int write(long offset, byte[] data, int flags) throws IOException {
        long cookie = send(flags, NbdConstants.CMD_WRITE, offset, data.length, data);
        NbdSimpleReply r = readReply();
        if (r.cookie() != cookie) {
            throw new IOException("reply for cookie " + r.cookie() + ", expected " + cookie);
        }
        return r.error();
    }

    /** Reads {@code length} bytes; throws when the server replied with an error. */
    byte[] read(long offset, int length) throws IOException {
        long cookie = send(0, NbdConstants.CMD_READ, offset, length, null);
        NbdSimpleReply r = readReply();
        if (r.cookie() != cookie || r.error() != 0) {
            throw new IOException("READ failed: " + r);
        }
        return readBytes(length);
    }

    /** True when the server closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            int b = in.read();
            return b < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // connection reset
        } catch (EOFException e) {
            return true;
        }
    }

    void disconnect() throws IOException {
        send(0, NbdConstants.CMD_DISC, 0, 0, null);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
