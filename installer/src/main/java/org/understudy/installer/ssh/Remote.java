package org.understudy.installer.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * One target host the installer acts on: runs shell scripts there and streams data into a command. Every script is
 * run by {@code sh} as root (through {@code sudo -n} when the login is not root). Not thread-safe: one caller at a
 * time per host.
 */
public interface Remote extends AutoCloseable {
    /** The cluster node this host runs, for messages. */
    String node();

    /** {@code user@host:port}, for messages. */
    String where();

    /**
     * Runs {@code script} with {@code sh}; returns its exit code and output.
     *
     * @throws IOException when the connection fails (not when the script fails)
     */
    Result run(String script, Duration timeout) throws IOException;

    /**
     * Runs {@code script} with {@code data} on its standard input (closed at the end of the data).
     *
     * @return the script's result; {@link Result#sent()} says how many bytes of data went over the wire
     */
    Result pipe(String script, InputStream data, Duration timeout) throws IOException;

    @Override
    void close();

    /** What a script printed and how it ended. */
    record Result(int exit, String out, String err, long sent) {
        public boolean ok() {
            return exit == 0;
        }

        /** The output and error text, trimmed, for a message. */
        public String text() {
            String s = (out.strip() + "\n" + err.strip()).strip();
            return s.isEmpty() ? "(no output)" : s;
        }
    }
}
