package org.understudy.replica;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.DurableFiles;

/**
 * The standby's fence of each primary: a counter (the epoch) raised at every takeover, and whether the primary is
 * fenced now. A fenced primary's replication handshakes are refused ("fenced at epoch N") and its frames are never
 * applied, so an old primary that comes back cannot change the replicas the standby now serves. Kept in
 * {@code replicas/PRIMARY/fence.properties}, written atomically and durably before the takeover goes on, so a
 * standby restart keeps every fence.
 *
 * <p>The fence works twice over. By name: while fenced, the primary's handshakes are refused here before anything
 * else. By data identity: {@link ReplicaServer#fence} also raises the epoch in every replica's
 * {@link org.understudy.resync.VolumeIdentity} of that primary, and a replica refuses a primary whose IDENTITY frame
 * carries an older epoch, so an old primary stays refused even if this file were lost. The ways back (fence cleared
 * by an operator, role returned after a failback) hand the epoch to the primary, which keeps it in its own volume
 * identities. The epoch here is the counter new epochs are drawn from; it never goes below the replicas' epochs.
 *
 * <p>Thread-safe: {@link #fenced} is a lock-free lookup (called per replication frame); changes are serialised.
 */
public final class FenceStore {
    private static final Logger LOG = LogManager.getLogger(FenceStore.class);
    static final String FILE = "fence.properties";

    /**
     * A primary's fence. {@code fenced} false with an epoch &gt; 0 means it was fenced once and cleared since.
     * {@code standingIn}: the standby served the primary's volumes under this fence, so the replicas hold writes the
     * primary never saw; a restarted standby serves them again rather than leave them unserved or overwritten.
     */
    public record Fence(long epoch, boolean fenced, String reason, Instant since, boolean standingIn) {
    }

    private final Path replicaDir;
    private final Clock wall;
    private final Map<String, Fence> fences = new ConcurrentHashMap<>();

    private FenceStore(Path replicaDir, Clock wall) {
        this.replicaDir = replicaDir;
        this.wall = wall;
    }

    /** Loads the fences of {@code primaries} from {@code replicaDir}. An unreadable fence file counts as fenced. */
    public static FenceStore open(Path replicaDir, Iterable<String> primaries, Clock wall) {
        FenceStore s = new FenceStore(replicaDir, wall);
        for (String p : primaries) {
            Path f = replicaDir.resolve(p).resolve(FILE);
            if (!Files.exists(f)) {
                continue;
            }
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(f)) {
                props.load(in);
                Fence fence = new Fence(Long.parseLong(props.getProperty("epoch", "0")),
                        Boolean.parseBoolean(props.getProperty("fenced", "true")), props.getProperty("reason", ""),
                        Instant.parse(props.getProperty("since", Instant.EPOCH.toString())),
                        Boolean.parseBoolean(props.getProperty("standingIn", "false")));
                s.fences.put(p, fence);
                if (fence.fenced()) {
                    LOG.warn("standby: {} is fenced at epoch {} since {} ({})", p, fence.epoch(), fence.since(),
                            fence.reason());
                }
            } catch (IOException | RuntimeException e) {
                // never let a damaged file unfence a primary: refuse it until an operator clears the fence
                LOG.error("standby: fence file {} unreadable ({}); {} treated as fenced", f, e.toString(), p);
                s.fences.put(p, new Fence(Long.MAX_VALUE / 2, true, "fence file unreadable: " + e.getMessage(),
                        wall.instant(), false));
            }
        }
        return s;
    }

    /** The fence of {@code primary}, if it was ever fenced. */
    public Optional<Fence> fence(String primary) {
        return Optional.ofNullable(fences.get(primary));
    }

    /** True while {@code primary} is fenced. Lock-free. */
    public boolean fenced(String primary) {
        Fence f = fences.get(primary);
        return f != null && f.fenced();
    }

    /** Raises {@code primary}'s epoch and fences it, durably; returns the new epoch. */
    public long raise(String primary, String reason) throws IOException {
        return raise(primary, 0, reason);
    }

    /**
     * Raises {@code primary}'s epoch above both its recorded epoch and {@code atLeast} (the highest epoch its replicas
     * already hold, so a lost or older fence file never hands out an epoch a replica has seen) and fences it, durably;
     * returns the new epoch.
     */
    public synchronized long raise(String primary, long atLeast, String reason) throws IOException {
        return raiseTo(primary, nextEpoch(primary, atLeast), reason);
    }

    /** The epoch {@link #raise} would hand out: above both the recorded epoch and {@code atLeast}. */
    public synchronized long nextEpoch(String primary, long atLeast) {
        Fence old = fences.get(primary);
        return Math.max(old == null ? 0 : old.epoch(), atLeast) + 1;
    }

    /**
     * Fences {@code primary} at {@code epoch} (from {@link #nextEpoch}), durably, so the caller can write the same
     * epoch elsewhere at the same time; refused unless it is above the recorded epoch.
     */
    public synchronized long raiseTo(String primary, long epoch, String reason) throws IOException {
        Fence old = fences.get(primary);
        if (old != null && epoch <= old.epoch()) {
            throw new IOException("fence of " + primary + ": epoch " + epoch + " is not above the recorded "
                    + old.epoch());
        }
        Fence f = new Fence(epoch, true, reason, wall.instant(), false);
        store(primary, f);
        fences.put(primary, f);
        LOG.warn("standby: {} FENCED at epoch {}: {}", primary, epoch, reason);
        return epoch;
    }

    /** Lifts the fence (the epoch stays); returns the epoch, or 0 if it was never fenced. */
    public synchronized long clear(String primary, String reason) throws IOException {
        Fence old = fences.get(primary);
        if (old == null) {
            return 0;
        }
        Fence f = new Fence(old.epoch(), false, reason, wall.instant(), false);
        store(primary, f);
        fences.put(primary, f);
        LOG.warn("standby: fence of {} cleared at epoch {}: {}", primary, f.epoch(), reason);
        return f.epoch();
    }

    /** Records durably that the standby now serves (or no longer serves) the fenced primary's volumes. */
    public synchronized void standingIn(String primary, boolean serving) throws IOException {
        Fence old = fences.get(primary);
        if (old == null || !old.fenced() || old.standingIn() == serving) {
            return;
        }
        Fence f = new Fence(old.epoch(), true, old.reason(), old.since(), serving);
        store(primary, f);
        fences.put(primary, f);
    }

    private void store(String primary, Fence f) throws IOException {
        Path file = replicaDir.resolve(primary).resolve(FILE);
        Files.createDirectories(file.getParent());
        Properties p = new Properties();
        p.setProperty("epoch", Long.toString(f.epoch()));
        p.setProperty("fenced", Boolean.toString(f.fenced()));
        p.setProperty("reason", f.reason());
        p.setProperty("since", f.since().toString());
        p.setProperty("standingIn", Boolean.toString(f.standingIn()));
        DurableFiles.storeProperties(file, p, "Understudy fence of " + primary);
    }
}
