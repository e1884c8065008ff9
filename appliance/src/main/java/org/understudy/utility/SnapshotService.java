package org.understudy.utility;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.SnapshotConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.model.AlarmKind;
import org.understudy.model.ModelEvent;
import org.understudy.model.SnapshotEntry;
import org.understudy.model.SnapshotKind;
import org.understudy.model.SnapshotSpace;
import org.understudy.replica.Replica;
import org.understudy.replica.ReplicaStore;
import org.understudy.replica.SnapshotHooks;
import org.understudy.snapshot.SnapshotImage;
import org.understudy.snapshot.SnapshotInfo;
import org.understudy.snapshot.SnapshotStore;

/**
 * Takes, serves and deletes the snapshots of every primary's replicas on the standby.
 *
 * <p>A snapshot of several volumes is one point of the primary's write stream: while the primary's links are up, the
 * standby asks the primary for a cut ({@link CutRequester}), the primary queues a SNAPSHOT marker on every volume's
 * link while it holds new writes for an instant, and each replica's member is sealed when its link applies the marker
 * in stream order ({@link #cutReached}), in async mode too, however far the replica lags. When none of the primary's
 * links is attached (the primary is down) or the standby serves its volumes itself, the cut is the standby's own:
 * every replica writer of the primary held still while each member is sealed. A snapshot is complete only when every
 * member is sealed; one that is not within {@link #CUT_WAIT} is dropped.
 *
 * <p>Before a consistent replica becomes a resync target the service keeps its state ({@link #beforeResyncTarget}):
 * a pre-resync snapshot, held until the resync ends and {@code keepAfterResync} after. Every creation and deletion is
 * an event. Thread-safe: one creation at a time per primary.
 */
public final class SnapshotService implements SnapshotHooks, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(SnapshotService.class);
    /** How long a primary's cut markers may take to reach every replica (an async backlog drains meanwhile). */
    static final Duration CUT_WAIT = Duration.ofSeconds(20);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:+-]{0,63}");

    private final ClusterConfig cluster;
    private final ReplicaStore replicas;
    private final ToIntFunction<String> linkCount;
    private final Predicate<String> standingIn;
    private final CutRequester cutter;
    private final InstantSource wall;
    private final LongSupplier clock;
    private final Consumer<ModelEvent> events;
    private final AlarmRegistry alarms;
    private final CutRegistry cuts = new CutRegistry();
    private final Map<String, Object> creating = new ConcurrentHashMap<>();
    private volatile SnapshotExports exports;
    private volatile Duration cutWait = CUT_WAIT;

    public SnapshotService(ClusterConfig cluster, ReplicaStore replicas, ToIntFunction<String> linkCount,
                           Predicate<String> standingIn, CutRequester cutter, InstantSource wall, LongSupplier clock,
                           Consumer<ModelEvent> events, AlarmRegistry alarms) {
        this.cluster = cluster;
        this.replicas = replicas;
        this.linkCount = linkCount;
        this.standingIn = standingIn;
        this.cutter = cutter;
        this.wall = wall;
        this.clock = clock;
        this.events = events;
        this.alarms = alarms;
        for (PrimaryConfig p : cluster.primaries()) {
            replicas.snapshots(p.name()).onDropped((i, why) -> dropped(p.name(), i, why));
        }
    }

    /** Serves every snapshot, present and future, read-only on {@code bind} (the standby's address). */
    public void startExports(InetSocketAddress bind) throws IOException {
        SnapshotExports e;
        try {
            e = SnapshotExports.start(bind);
        } catch (IOException ex) {
            throw new IOException("cannot serve snapshots on " + bind + " (snapshots.port): " + ex.getMessage(), ex);
        }
        exports = e;
        for (PrimaryConfig p : cluster.primaries()) {
            for (SnapshotInfo i : store(p.name()).list()) {
                export(i);
            }
        }
        LOG.info("{}: snapshots served read-only on {}", cluster.standby().name(), e.address());
    }

    /** How long a primary cut may take to reach every replica ({@link #CUT_WAIT} unless changed). */
    void cutWait(Duration wait) {
        cutWait = wait;
    }

    /** Where snapshots are served, or null before {@link #startExports}. */
    public InetSocketAddress exportAddress() {
        SnapshotExports e = exports;
        return e == null ? null : e.address();
    }

    // ---- create --------------------------------------------------------------------------------------------------

    /**
     * Takes a snapshot of {@code primary}'s {@code volume} (null: every volume) named {@code name} (null: the cut's
     * instant, e.g. {@code 2026-12-06T03:00:00Z}) and returns it.
     */
    public SnapshotInfo create(String primary, String volume, String name, SnapshotKind kind, List<String> labels,
                               String by) throws SnapshotRefused, IOException {
        PrimaryConfig p = cluster.primary(primary).orElseThrow(() -> new SnapshotRefused("\"" + primary
                + "\" is not a primary of this cluster"));
        List<String> volumes = volume == null ? p.volumes().stream().map(VolumeConfig::name).toList() : List.of(volume);
        if (volume != null && p.volume(volume).isEmpty()) {
            throw new SnapshotRefused(primary + " has no volume \"" + volume + "\"");
        }
        if (name != null && !NAME.matcher(name).matches()) {
            throw new SnapshotRefused("snapshot name \"" + name + "\" must be 1-64 letters, digits and ._:+- "
                    + "(starting with a letter or digit)");
        }
        synchronized (creating.computeIfAbsent(primary, k -> new Object())) {
            for (String v : volumes) {
                Replica r = replicas.replica(primary, v);
                if (!r.consistent()) {
                    throw new SnapshotRefused(primary + "/" + v + " is not consistent (a resync is running or has "
                            + "not completed): it holds no state its volume passed through");
                }
            }
            Instant at = wall.instant().truncatedTo(ChronoUnit.SECONDS);
            String n = name != null ? name : uniqueName(primary, at);
            if (name != null && taken(primary, name)) {
                throw new SnapshotRefused(primary + " already has a snapshot named " + name);
            }
            boolean ownCut = standingIn.test(primary) || linkCount.applyAsInt(primary) == 0;
            long t0 = clock.getAsLong();
            long id = ownCut ? standbyCut(primary, volumes, n, at, kind, labels)
                    : primaryCut(primary, volumes, n, at, kind, labels);
            SnapshotInfo info = info(primary, id);
            long micros = (clock.getAsLong() - t0) / 1000;
            LOG.info("{}: snapshot {} of {} taken in {} us ({} cut, {} by {})", cluster.standby().name(), n,
                    primary + volumes, micros, info.primaryCut() ? "the primary's" : "the standby's own",
                    kind.name().toLowerCase(java.util.Locale.ROOT), by);
            export(info);
            events.accept(new ModelEvent.SnapshotCreated(wall.instant(), primary, n, volumes, kind, info.primaryCut(),
                    "taken in " + micros + " us for " + by));
            alarms.clear(AlarmKind.SNAPSHOT_FAILED, primary, "snapshot " + n + " taken");
            return info;
        }
    }

    /** The primary's cut: markers queued by the primary, members sealed as each link applies its marker. */
    private long primaryCut(String primary, List<String> volumes, String name, Instant at, SnapshotKind kind,
                            List<String> labels) throws SnapshotRefused, IOException {
        SnapshotStore store = store(primary);
        long id = store.begin(name, at, kind, true, volumes, labels);
        CutRegistry.Pending pending = cuts.expect(id, primary, new LinkedHashSet<>(volumes));
        try {
            CutRequester.Answer a = cutter.request(primary, id, volumes);
            if (!a.ok()) {
                if (!a.reached() && linkCount.applyAsInt(primary) == 0) {
                    // the primary is gone and so are its links: its replicas stand still, the standby's cut is exact
                    abort(store, id, "the primary cannot be reached: " + a.message());
                    return standbyCut(primary, volumes, name, at, kind, labels);
                }
                throw new SnapshotRefused(primary + " refused the snapshot cut: " + a.message());
            }
            try {
                pending.done.get(cutWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new SnapshotRefused("the cut did not reach " + pending.missing() + " of " + primary + " within "
                        + cutWait.toMillis() + " ms (link down, or a large async backlog)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the cut of " + primary);
            } catch (ExecutionException e) {
                throw new IOException(e.getCause());
            }
            SnapshotInfo taken = info(primary, id);
            for (Map.Entry<String, SnapshotInfo.Member> m : taken.members().entrySet()) {
                if (!m.getValue().consistent()) {
                    throw new SnapshotRefused(primary + "/" + m.getKey() + " was not consistent when the cut "
                            + "reached it (a resync began meanwhile)");
                }
            }
            store.complete(id);
            return id;
        } catch (SnapshotRefused | IOException | RuntimeException e) {
            abort(store, id, e.getMessage());
            throw e;
        } finally {
            cuts.forget(pending);
        }
    }

    /** The standby's own cut: no writer of the primary's replicas moves while each member is sealed. */
    private long standbyCut(String primary, List<String> volumes, String name, Instant at, SnapshotKind kind,
                            List<String> labels) throws IOException {
        SnapshotStore store = store(primary);
        long id = store.begin(name, at, kind, false, volumes, labels);
        try {
            store.exclusiveCut(() -> {
                for (String v : volumes) {
                    store.seal(id, v, replicas.replica(primary, v).consistent());
                }
            });
            store.complete(id);
            return id;
        } catch (IOException | RuntimeException e) {
            abort(store, id, e.getMessage());
            throw e;
        }
    }

    private void abort(SnapshotStore store, long id, String why) {
        try {
            store.delete(id, "", "not taken: " + why);
        } catch (IOException e) {
            LOG.error("{}: cannot drop the unfinished snapshot #{} ({}); it goes at the next start",
                    store.primary(), id, e.toString());
        }
    }

    @Override
    public void cutReached(Replica replica, long cut) throws IOException {
        CutRegistry.Pending p = cuts.get(replica.primary(), cut);
        String volume = replica.volume().name();
        if (p == null || !p.expects(volume)) {
            LOG.warn("{}: cut {} reached {} but no snapshot waits for it (it was given up); ignored",
                    cluster.standby().name(), cut, replica);
            return;
        }
        store(replica.primary()).seal(cut, volume, replica.consistent());
        p.arrived(volume);
    }

    @Override
    public void beforeResyncTarget(Replica replica) throws IOException {
        String primary = replica.primary();
        SnapshotConfig.Policy policy = cluster.snapshots().policy(primary);
        String volume = replica.volume().name();
        if (!policy.preResync() || heldPreResync(primary, volume)) {
            return;
        }
        // the link's own thread, every earlier frame applied and nothing else writing: the member is exact
        SnapshotStore store = store(primary);
        Instant at = wall.instant().truncatedTo(ChronoUnit.SECONDS);
        String name = uniqueName(primary, at);
        long id = store.begin(name, at, SnapshotKind.PRE_RESYNC, false, List.of(volume), List.of());
        try {
            store.seal(id, volume, true);
            store.update(id, List.of(), null, true);
            store.complete(id);
        } catch (IOException | RuntimeException e) {
            abort(store, id, e.getMessage());
            alarms.raise(AlarmKind.SNAPSHOT_FAILED, primary, "no snapshot before the resync of " + replica + ": "
                    + e.getMessage());
            throw e;
        }
        LOG.info("{}: {} becomes a resync target: its last consistent state kept as snapshot {}",
                cluster.standby().name(), replica, name);
        export(info(primary, id));
        events.accept(new ModelEvent.SnapshotCreated(wall.instant(), primary, name, List.of(volume),
                SnapshotKind.PRE_RESYNC, false, replica + " became a resync target; kept until the resync ends and "
                + policy.keepAfterResync().toMinutes() + " min after"));
    }

    @Override
    public void resyncEnded(Replica replica) {
        String primary = replica.primary();
        Duration keep = cluster.snapshots().policy(primary).keepAfterResync();
        SnapshotStore store = store(primary);
        for (SnapshotInfo i : store.list()) {
            if (i.kind() == SnapshotKind.PRE_RESYNC && i.held() && i.members().containsKey(replica.volume().name())) {
                try {
                    store.update(i.id(), i.labels(), wall.instant().plus(keep), false);
                    LOG.info("{}: resync of {} ended; pre-resync snapshot {} kept until {}", cluster.standby().name(),
                            replica, i.name(), wall.instant().plus(keep));
                } catch (IOException e) {
                    LOG.error("{}: cannot release pre-resync snapshot {}: {}", cluster.standby().name(), i.name(),
                            e.toString());
                }
            }
        }
    }

    private boolean heldPreResync(String primary, String volume) {
        return store(primary).list().stream().anyMatch(i -> i.kind() == SnapshotKind.PRE_RESYNC && i.held()
                && i.members().containsKey(volume));
    }

    // ---- delete --------------------------------------------------------------------------------------------------

    /**
     * Deletes every image named {@code name} of {@code primary} (only {@code volume}'s when given); returns the
     * bytes freed.
     */
    public long delete(String primary, String volume, String name, String reason) throws SnapshotRefused,
            IOException {
        if (cluster.primary(primary).isEmpty()) {
            throw new SnapshotRefused("\"" + primary + "\" is not a primary of this cluster");
        }
        List<SnapshotInfo> matching = store(primary).list().stream().filter(i -> i.name().equals(name)
                && (volume == null || i.members().containsKey(volume))).toList();
        if (matching.isEmpty()) {
            throw new SnapshotRefused(primary + " has no snapshot named " + name
                    + (volume == null ? "" : " of " + volume));
        }
        long freed = 0;
        for (SnapshotInfo i : matching) {
            freed += remove(i, volume, reason);
        }
        return freed;
    }

    /** Deletes a snapshot (or one volume's image of it) with its exports; returns the bytes freed. */
    long remove(SnapshotInfo i, String volume, String reason) throws IOException {
        SnapshotStore store = store(i.primary());
        long before = store.usedBytes();
        for (String v : i.members().keySet()) {
            if (volume == null || volume.equals(v)) {
                unexport(i.primary(), v, i.name());
            }
        }
        store.delete(i.id(), volume == null ? "" : volume, reason);
        long freed = Math.max(0, before - store.usedBytes());
        events.accept(new ModelEvent.SnapshotDeleted(wall.instant(), i.primary(), i.name(),
                volume == null ? "" : volume, reason, freed));
        return freed;
    }

    private void dropped(String primary, SnapshotInfo i, String why) {
        i.members().keySet().forEach(v -> unexport(primary, v, i.name()));
        alarms.raise(AlarmKind.SNAPSHOT_SPACE, primary, why);
        events.accept(new ModelEvent.SnapshotDeleted(wall.instant(), primary, i.name(), "", why, i.bytesUsed()));
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    /** Every snapshot of {@code primary}, oldest first. */
    public List<SnapshotInfo> list(String primary) {
        return store(primary).list();
    }

    /** {@code primary}'s {@code volume} in snapshot {@code id}, as a read-only device. */
    public SnapshotImage image(String primary, String volume, long id, String name) {
        return replicas.replica(primary, volume).writer().image(id, SnapshotEntry.exportName(primary, volume, name));
    }

    /** Every snapshot image, for the model. */
    public List<SnapshotEntry> entries() {
        List<SnapshotEntry> out = new ArrayList<>();
        for (PrimaryConfig p : cluster.primaries()) {
            for (SnapshotInfo i : store(p.name()).list()) {
                if (!i.complete()) {
                    continue;
                }
                i.members().forEach((v, m) -> out.add(new SnapshotEntry(p.name(), v, i.id(), i.name(),
                        SnapshotEntry.exportName(p.name(), v, i.name()), i.created(), i.kind(), i.primaryCut(),
                        m.consistent(), p.volume(v).map(VolumeConfig::size).orElse(0L), m.bytesUsed(), i.labels(),
                        i.expires(), i.held())));
            }
        }
        return out;
    }

    /** The space each primary's snapshots take. */
    public List<SnapshotSpace> space() {
        return cluster.primaries().stream().map(p -> {
            SnapshotStore s = store(p.name());
            return new SnapshotSpace(p.name(), s.usedBytes(), s.spaceLimit(), s.list().size());
        }).toList();
    }

    /** Whether every replica of {@code primary} holds a state its volume passed through. */
    boolean consistent(String primary) {
        return cluster.primary(primary).orElseThrow().volumes().stream()
                .allMatch(v -> replicas.replica(primary, v.name()).consistent());
    }

    SnapshotStore store(String primary) {
        return replicas.snapshots(primary);
    }

    private SnapshotInfo info(String primary, long id) throws IOException {
        return store(primary).list().stream().filter(i -> i.id() == id).findFirst()
                .orElseThrow(() -> new IOException("snapshot #" + id + " of " + primary + " is gone"));
    }

    /** Names are unique among a primary's snapshots, so a name says which snapshot on every face. */
    private boolean taken(String primary, String name) {
        return store(primary).list().stream().anyMatch(i -> i.name().equals(name));
    }

    /** The cut's instant, made unique among the primary's snapshots with a suffix. */
    private String uniqueName(String primary, Instant at) {
        String base = at.toString();
        String n = base;
        for (int k = 2; taken(primary, n); k++) {
            n = base + "." + k;
        }
        return n;
    }

    private void export(SnapshotInfo i) {
        SnapshotExports e = exports;
        if (e == null || !i.complete()) {
            return;
        }
        i.members().keySet().forEach(v -> e.put(SnapshotEntry.exportName(i.primary(), v, i.name()),
                image(i.primary(), v, i.id(), i.name())));
    }

    private void unexport(String primary, String volume, String name) {
        SnapshotExports e = exports;
        if (e != null) {
            e.remove(SnapshotEntry.exportName(primary, volume, name));
        }
    }

    InstantSource wall() {
        return wall;
    }

    ClusterConfig cluster() {
        return cluster;
    }

    AlarmRegistry alarms() {
        return alarms;
    }

    @Override
    public void close() {
        SnapshotExports e = exports;
        if (e != null) {
            e.close();
        }
    }
}
