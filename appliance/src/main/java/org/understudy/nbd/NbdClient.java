package org.understudy.nbd;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small blocking NBD client (fixed newstyle, OPT_LIST and OPT_GO, simple replies, READ and DISC): the standby's
 * confirming probe of a primary's exports, and the failback copy of a replica back to its primary. Every socket read
 * is bounded by the timeout given at open. Not thread-safe: one caller per connection.
 */
public final class NbdClient implements Closeable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final String export;
    private long size;
    private long handle;

    private NbdClient(Socket socket, String export) throws IOException {
        this.socket = socket;
        this.export = export;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    }

    private static NbdClient connect(InetSocketAddress address, String export, Duration timeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            NbdClient c = new NbdClient(s, export);
            c.greeting();
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The export names the server at {@code address} offers (OPT_LIST), then aborts the negotiation. */
    public static List<String> list(InetSocketAddress address, Duration timeout) throws IOException {
        try (NbdClient c = connect(address, null, timeout)) {
            c.option(NbdConstants.OPT_LIST, new byte[0]);
            List<String> names = new ArrayList<>();
            while (true) {
                Reply r = c.reply(NbdConstants.OPT_LIST);
                if (r.type == NbdConstants.REP_ACK) {
                    break;
                }
                if (r.type == NbdConstants.REP_SERVER && r.data.length >= 4) {
                    int len = ByteBuffer.wrap(r.data).getInt();
                    names.add(new String(r.data, 4, Math.min(len, r.data.length - 4), StandardCharsets.UTF_8));
                } else if (r.type < 0) {
                    throw new IOException("OPT_LIST refused with reply type 0x" + Integer.toHexString(r.type));
                }
            }
            c.option(NbdConstants.OPT_ABORT, new byte[0]);
            return names;
        }
    }

    /** Opens {@code export} (OPT_GO) for reading. */
    public static NbdClient open(InetSocketAddress address, String export, Duration timeout) throws IOException {
        NbdClient c = connect(address, export, timeout);
        try {
            byte[] name = export.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(4 + name.length + 2).putInt(name.length).put(name).putShort((short) 0);
            c.option(NbdConstants.OPT_GO, b.array());
            while (true) {
                Reply r = c.reply(NbdConstants.OPT_GO);
                if (r.type == NbdConstants.REP_ACK) {
                    break;
                }
                if (r.type == NbdConstants.REP_INFO && r.data.length >= 12
                        && ByteBuffer.wrap(r.data).getShort() == NbdConstants.INFO_EXPORT) {
                    c.size = ByteBuffer.wrap(r.data, 2, 8).getLong();
                } else if (r.type < 0) {
                    throw new IOException("export " + export + " refused (reply type 0x" + Integer.toHexString(r.type)
                            + ")");
                }
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.socket.close();
            throw e;
        }
    }

    public long size() {
        return size;
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset} (at most 32 MiB per call). */
    public void read(long offset, ByteBuffer dst) throws IOException {
        int len = dst.remaining();
        long h = ++handle;
        out.writeInt(NbdConstants.REQUEST_MAGIC);
        out.writeShort(0);
        out.writeShort(NbdConstants.CMD_READ);
        out.writeLong(h);
        out.writeLong(offset);
        out.writeInt(len);
        out.flush();
        int magic = in.readInt();
        int error = in.readInt();
        long got = in.readLong();
        if (magic != NbdConstants.SIMPLE_REPLY_MAGIC || got != h) {
            throw new IOException(export + ": unexpected reply (magic 0x" + Integer.toHexString(magic) + ", handle "
                    + got + ")");
        }
        if (error != 0) {
            throw new IOException(export + ": READ at " + offset + "+" + len + " failed with error " + error);
        }
        byte[] buf = new byte[len];
        in.readFully(buf);
        dst.put(buf);
    }

    private void greeting() throws IOException {
        long magic = in.readLong();
        long opt = in.readLong();
        if (magic != NbdConstants.NBDMAGIC || opt != NbdConstants.IHAVEOPT) {
            throw new IOException("not an NBD newstyle server (magic 0x" + Long.toHexString(magic) + ")");
        }
        int flags = in.readUnsignedShort();
        if ((flags & NbdConstants.FLAG_FIXED_NEWSTYLE) == 0) {
            throw new IOException("server does not speak fixed newstyle");
        }
        int client = NbdConstants.CLIENT_FLAG_FIXED_NEWSTYLE
                | (flags & NbdConstants.FLAG_NO_ZEROES) * NbdConstants.CLIENT_FLAG_NO_ZEROES / NbdConstants.FLAG_NO_ZEROES;
        out.writeInt(client);
    }

    private void option(int option, byte[] data) throws IOException {
        out.writeLong(NbdConstants.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    private record Reply(int type, byte[] data) {
    }

    private Reply reply(int option) throws IOException {
        long magic = in.readLong();
        int opt = in.readInt();
        int type = in.readInt();
        int len = in.readInt();
        if (magic != NbdConstants.OPTION_REPLY_MAGIC || opt != option || len < 0 || len > (1 << 20)) {
            throw new IOException("bad option reply (magic 0x" + Long.toHexString(magic) + ", option " + opt
                    + ", length " + len + ")");
        }
        byte[] data = new byte[len];
        in.readFully(data);
        return new Reply(type, data);
    }

    /** Sends DISC (when in transmission) and closes the socket. */
    @Override
    public void close() throws IOException {
        try {
            if (export != null && !socket.isClosed()) {
                out.writeInt(NbdConstants.REQUEST_MAGIC);
                out.writeShort(0);
                out.writeShort(NbdConstants.CMD_DISC);
                out.writeLong(++handle);
                out.writeLong(0);
                out.writeInt(0);
                out.flush();
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            socket.close();
        }
    }
}
