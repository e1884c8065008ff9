package org.understudy.utility;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.nbd.MutableNbdExports;
import org.understudy.nbd.NbdServer;
import org.understudy.storage.BlockDevice;

/**
 * The standby's own NBD server for snapshots: every snapshot image a read-only export named {@code
 * primary/volume@name} on the standby's address, so backup tools read them ({@code nbdinfo --list} shows them with
 * their sizes) without touching any primary. Thread-safe.
 */
final class SnapshotExports implements Closeable {
    private static final Logger LOG = LogManager.getLogger(SnapshotExports.class);
    private final MutableNbdExports exports;
    private final NbdServer server;

    private SnapshotExports(MutableNbdExports exports, NbdServer server) {
        this.exports = exports;
        this.server = server;
    }

    static SnapshotExports start(InetSocketAddress bind) throws IOException {
        MutableNbdExports exports = new MutableNbdExports();
        return new SnapshotExports(exports, NbdServer.start(bind, exports));
    }

    InetSocketAddress address() {
        return server.address();
    }

    void put(String name, BlockDevice image) {
        exports.put(name, image);
    }

    /** Stops offering {@code name} and closes the connections reading it. */
    void remove(String name) {
        if (exports.remove(name).isPresent()) {
            int closed = server.closeConnections(name);
            if (closed > 0) {
                LOG.info("snapshot export {} removed; {} connection(s) reading it closed", name, closed);
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
