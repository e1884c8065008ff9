package org.understudy.installer.ssh;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/** A {@link Remote} over one logged-in MINA SSHD session: one exec channel per script. Not thread-safe. */
final class SshRemote implements Remote {
    private final String node;
    private final String where;
    private final ClientSession session;
    private final boolean sudo;

    SshRemote(String node, String where, ClientSession session, boolean sudo) {
        this.node = node;
        this.where = where;
        this.session = session;
        this.sudo = sudo;
    }

    @Override
    public String node() {
        return node;
    }

    @Override
    public String where() {
        return where;
    }

    @Override
    public Result run(String script, Duration timeout) throws IOException {
        return exec(script, null, timeout);
    }

    @Override
    public Result pipe(String script, InputStream data, Duration timeout) throws IOException {
        return exec(script, data, timeout);
    }

    private Result exec(String script, InputStream data, Duration timeout) throws IOException {
        if (!session.isOpen() || session.isClosing()) {
            throw new IOException(node + ": the connection to " + where + " is lost");
        }
        try {
            return execOpen(script, data, timeout);
        } catch (IllegalStateException e) {
            // MINA refuses a new channel on a session that is closing: a lost connection
            throw new IOException(node + ": the connection to " + where + " is lost (" + e.getMessage() + ")", e);
        }
    }

    private Result execOpen(String script, InputStream data, Duration timeout) throws IOException {
        String command = (sudo ? "sudo -n " : "") + "sh -c " + Shell.quote(Shell.PROLOGUE + script);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Counting in = data == null ? null : new Counting(data);
        try (ChannelExec ch = session.createExecChannel(command)) {
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(timeout);
            // write the data ourselves and close: that sends EOF at once (MINA's pumper for setIn polls)
            try (OutputStream stdin = ch.getInvertedIn()) {
                if (in != null) {
                    in.transferTo(stdin);
                }
            } catch (IOException e) {
                if (!ch.isOpen() || ch.isClosing()) {
                    throw new IOException(node + ": the connection to " + where + " broke while sending data: " + e.getMessage(), e);
                }
                throw e;
            }
            Set<ClientChannelEvent> ev = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (ev.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException(node + ": no answer from " + where + " within " + timeout.toSeconds() + " s");
            }
            Integer exit = ch.getExitStatus();
            if (exit == null) {
                throw new IOException(node + ": the connection to " + where + " ended before the command did"
                        + (session.isOpen() ? "" : " (connection lost)"));
            }
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                    in == null ? 0 : in.count);
        }
    }

    @Override
    public void close() {
        session.close(false);
    }

    /** Counts the bytes read from the data stream, i.e. what went to the host. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
