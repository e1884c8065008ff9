package org.understudy.standby;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.failover.TakeoverTarget;
import org.understudy.nbd.MutableNbdExports;
import org.understudy.nbd.NbdServer;
import org.understudy.replica.StandInBitmap;
import org.understudy.resync.ByteRange;
import org.understudy.storage.BlockDevice;
import org.understudy.mirror.ServedDevice;

/**
 * The standby serving one failed primary: its replica images opened as devices and served by an NBD server on the
 * primary's own address and port, under the same export names; for a failback, a second NBD server on the standby's
 * own address from which the repaired primary copies the data back. Not thread-safe: the failover engine runs one
 * takeover or failback per primary at a time.
 */
final class StandIn {
    private static final Logger LOG = LogManager.getLogger(StandIn.class);

    private final String self;
    private final TakeoverTarget target;
    private final Map<String, ServedDevice> devices = new LinkedHashMap<>();
    private final Map<String, StandInMarks> marks = new LinkedHashMap<>();
    private final Map<String, StandInBitmap> bitmaps = new LinkedHashMap<>();
    private MutableNbdExports exports;
    private NbdServer server;
    private NbdServer.Limits limits = NbdServer.Limits.DEFAULT;
    private NbdServer copySource;

    private StandIn(String self, TakeoverTarget target) {
        this.self = self;
        this.target = target;
    }

    /**
     * Serves the replicas of {@code target} ({@code replicas}, their devices in the order of the target's volumes,
     * whose writes go through each replica's copy-on-write writer) on its address and port; each write is first
     * marked in the replica's stand-in bitmap ({@code bitmaps}, same order, owned by the stand-in from now on, closed
     * with it).
     */
    static StandIn serve(String self, TakeoverTarget target, List<BlockDevice> replicas, List<StandInBitmap> bitmaps,
                         int maxConnections) throws IOException {
        StandIn s = new StandIn(self, target);
        s.limits = NbdServer.Limits.DEFAULT.withMaxConnections(maxConnections);
        s.exports = new MutableNbdExports();
        try {
            for (int i = 0; i < target.volumes().size(); i++) {
                String name = target.volumes().get(i);
                s.bitmaps.put(name, bitmaps.get(i));
                BlockDevice dev = replicas.get(i);
                StandInMarks m = new StandInMarks(dev.size(), bitmaps.get(i));
                ServedDevice served = ServedDevice.marking(dev, m);
                s.marks.put(name, m);
                s.devices.put(name, served);
                s.exports.put(name, served);
            }
            s.server = NbdServer.start(new InetSocketAddress(target.address(), target.nbdPort()), s.exports, s.limits);
        } catch (IOException | RuntimeException e) {
            s.closeDevices();
            s.closeBitmaps();
            bitmaps.subList(s.bitmaps.size(), bitmaps.size()).forEach(StandIn::closeQuietly);
            throw e;
        }
        LOG.info("{}: standing in for {}: serving {} on {}:{}", self, target.primary(), s.devices.keySet(),
                target.address(), target.nbdPort());
        return s;
    }

    TakeoverTarget target() {
        return target;
    }

    /** Starts the copy source for a failback on {@code host} (an ephemeral port) and starts tracking new writes. */
    InetSocketAddress startCopySource(String host) throws IOException {
        if (copySource == null) {
            MutableNbdExports exports = new MutableNbdExports();
            devices.forEach((name, d) -> exports.put(name, d.inner()));
            copySource = NbdServer.start(new InetSocketAddress(host, 0), exports);
        }
        marks.values().forEach(StandInMarks::markClean);
        return copySource.address();
    }

    /** Where the failback copy source listens (started by {@link #startCopySource}). */
    InetSocketAddress startCopySourceAddress() throws IOException {
        if (copySource == null) {
            throw new IOException("no failback copy in progress");
        }
        return copySource.address();
    }

    /**
     * Stops serving clients: closes the NBD server (connections closed without ESHUTDOWN so clients reconnect to
     * whoever serves next), waits for requests in flight and flushes. Returns the regions written since the copy
     * started, per volume.
     */
    Map<String, List<ByteRange>> stopClients(long waitMillis) throws IOException, InterruptedException {
        if (server != null) {
            server.close();
            server = null;
        }
        Map<String, List<ByteRange>> dirty = new LinkedHashMap<>();
        for (Map.Entry<String, ServedDevice> e : devices.entrySet()) {
            if (!e.getValue().awaitIdle(waitMillis)) {
                throw new IOException(target.primary() + "/" + e.getKey() + ": " + e.getValue().inFlight()
                        + " request(s) still in flight after " + waitMillis + " ms");
            }
            e.getValue().inner().flush();
            dirty.put(e.getKey(), marks.get(e.getKey()).dirtyExtents());
        }
        return dirty;
    }

    boolean serving() {
        return server != null;
    }

    /** Serves clients again after {@link #stopClients} (a failback that failed after the clients were stopped). */
    void resumeClients() throws IOException {
        if (server == null) {
            server = NbdServer.start(new InetSocketAddress(target.address(), target.nbdPort()), exports, limits);
            LOG.warn("{}: serving {} again on {}:{}", self, target.primary(), target.address(), target.nbdPort());
        }
    }

    /** The replicas' stand-in bitmaps by volume: what changed since the primary last held the data. */
    Map<String, StandInBitmap> bitmaps() {
        return Map.copyOf(bitmaps);
    }

    /** Closes the stand-in bitmaps (the failback copied everything back; nothing writes the replicas any more). */
    void closeBitmaps() {
        bitmaps.values().forEach(StandIn::closeQuietly);
        bitmaps.clear();
    }

    private static void closeQuietly(StandInBitmap b) {
        try {
            b.close();
        } catch (IOException | RuntimeException e) {
            LOG.error("closing a stand-in bitmap: {}", e.toString());
        }
    }

    /** Closes everything (servers and devices). Idempotent. */
    void close() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (copySource != null) {
            copySource.close();
            copySource = null;
        }
        closeDevices();
        closeBitmaps();
    }

    private void closeDevices() {
        List<String> failed = new ArrayList<>();
        for (ServedDevice d : devices.values()) {
            try {
                d.inner().flush();
                d.inner().close();
            } catch (IOException e) {
                failed.add(d.describe() + ": " + e.getMessage());
            }
        }
        devices.clear();
        if (!failed.isEmpty()) {
            LOG.error("{}: closing the stand-in devices of {}: {}", self, target.primary(), failed);
        }
    }
}
