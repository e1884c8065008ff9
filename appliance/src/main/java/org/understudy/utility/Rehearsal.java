package org.understudy.utility;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.failover.HookScripts;
import org.understudy.failover.IdentityAction;
import org.understudy.failover.StepResult;
import org.understudy.failover.TakeoverTarget;
import org.understudy.failover.TimelineRecorder;
import org.understudy.model.FailoverTimeline;
import org.understudy.model.ModelEvent;
import org.understudy.model.SnapshotKind;
import org.understudy.nbd.MutableNbdExports;
import org.understudy.nbd.NbdServer;
import org.understudy.snapshot.CloneDevice;
import org.understudy.snapshot.SnapshotInfo;

/**
 * A failover rehearsal: proves the standby could stand in for a primary without touching it. A fresh snapshot of the
 * primary's volumes (its write stream cut as for any snapshot; the mirroring goes on), writable clones of it served
 * under the primary's export names on a test address, the primary's failover scripts run against them with {@code
 * UNDERSTUDY_KIND=rehearsal}, each step timed into a timeline like a takeover's; then the clones, the test address and
 * the snapshot are thrown away, whatever happened. The replicas never change: the clones write to files of their own.
 * The primary's own address, or any node's, is refused. One rehearsal per primary at a time; thread-safe.
 */
public final class Rehearsal {
    private static final Logger LOG = LogManager.getLogger(Rehearsal.class);
    public static final String KIND = "rehearsal";

    private final ClusterConfig cluster;
    private final SnapshotService snapshots;
    private final Function<String, IdentityAction> identity;
    private final Path workDir;
    private final LongSupplier clock;
    private final InstantSource wall;
    private final Consumer<ModelEvent> events;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    /**
     * @param identity how each primary's address is taken over (the same action a takeover uses)
     * @param workDir  where the clones' overlay files live while a rehearsal runs
     */
    public Rehearsal(ClusterConfig cluster, SnapshotService snapshots, Function<String, IdentityAction> identity,
                     Path workDir, LongSupplier clock, InstantSource wall, Consumer<ModelEvent> events) {
        this.cluster = cluster;
        this.snapshots = snapshots;
        this.identity = identity;
        this.workDir = workDir;
        this.clock = clock;
        this.wall = wall;
        this.events = events;
    }

    /**
     * Throws away what a rehearsal the standby's stop cut short left behind: its clones' files and its snapshots.
     * Called once at start, before any rehearsal runs.
     */
    public void cleanUpInterrupted() {
        try {
            org.understudy.storage.FileTrees.delete(workDir);
        } catch (IOException e) {
            LOG.warn("{}: cannot delete the clones left in {}: {}", cluster.standby().name(), workDir, e.toString());
        }
        for (PrimaryConfig p : cluster.primaries()) {
            for (SnapshotInfo i : snapshots.list(p.name())) {
                if (i.kind() == SnapshotKind.REHEARSAL) {
                    try {
                        snapshots.remove(i, null, "left by a rehearsal the standby's stop interrupted");
                    } catch (IOException e) {
                        LOG.warn("{}: cannot delete rehearsal snapshot {}: {}", cluster.standby().name(), i.name(),
                                e.toString());
                    }
                }
            }
        }
    }

    /** Runs a rehearsal of {@code primary} on {@code address}; returns its timeline. */
    public FailoverTimeline run(String primary, String address, Duration hold, String by) throws SnapshotRefused {
        PrimaryConfig p = cluster.primary(primary).orElseThrow(() -> new SnapshotRefused("\"" + primary
                + "\" is not a primary of this cluster"));
        checkAddress(p, address);
        if (!running.add(primary)) {
            throw new SnapshotRefused("a rehearsal of " + primary + " is already running");
        }
        try {
            return rehearse(p, address, hold, by);
        } finally {
            running.remove(primary);
        }
    }

    private void checkAddress(PrimaryConfig p, String address) throws SnapshotRefused {
        InetAddress test;
        try {
            test = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new SnapshotRefused("test address " + address + " does not resolve");
        }
        if (same(test, p.address())) {
            throw new SnapshotRefused(address + " is " + p.name() + "'s own address: a rehearsal never takes it "
                    + "(give a test address)");
        }
        List<String> nodes = new ArrayList<>();
        nodes.add(cluster.standby().address());
        cluster.primaries().forEach(o -> nodes.add(o.address()));
        for (String n : nodes) {
            if (same(test, n)) {
                throw new SnapshotRefused(address + " is the address of a node of this cluster: a rehearsal needs "
                        + "an address of its own");
            }
        }
    }

    private static boolean same(InetAddress a, String b) {
        try {
            return a.equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private FailoverTimeline rehearse(PrimaryConfig p, String address, Duration hold, String by) {
        String reason = "rehearsal by " + by + " on " + address;
        TimelineRecorder t = new TimelineRecorder(p.name(), KIND, reason, clock, wall, progress -> { });
        List<String> volumes = p.volumes().stream().map(VolumeConfig::name).toList();
        TakeoverTarget target = new TakeoverTarget(p.name(), address, p.nbdPort(), volumes,
                volumes.stream().map(v -> workDir.resolve(p.name()).resolve(v + ".clone")).toList());
        SnapshotInfo[] snap = new SnapshotInfo[1];
        List<CloneDevice> clones = new ArrayList<>();
        NbdServer[] server = new NbdServer[1];
        boolean identityTaken = false;
        String failure = null;
        StepResult r = t.run("snapshot", () -> {
            try {
                snap[0] = snapshots.create(p.name(), null, null, SnapshotKind.REHEARSAL, List.of(), reason);
                return StepResult.ok("snapshot " + snap[0].name() + " ("
                        + (snap[0].primaryCut() ? "a cut in " + p.name() + "'s write stream" : "the standby's own cut")
                        + ")");
            } catch (SnapshotRefused | IOException e) {
                return StepResult.failed("no snapshot: " + e.getMessage());
            }
        });
        if (r.ok()) {
            r = t.run("check-replicas", () -> snap[0].consistent() ? StepResult.ok("every image consistent")
                    : StepResult.failed("an image of " + snap[0].name() + " is not consistent"));
        }
        if (r.ok()) {
            r = t.run("take-over-identity", () -> identity.apply(p.name()).acquire(target));
            identityTaken = r.ok();
        }
        if (r.ok()) {
            r = t.run("serve-volumes", () -> serveClones(p, snap[0], target, clones, server));
        }
        if (r.ok()) {
            Map<String, String> env = target.environment(KIND, reason);
            env.put("UNDERSTUDY_REPLICAS", ""); // the clones live behind the exports only
            r = t.run("run-failover-commands", () -> new HookScripts(cluster.ha().failover(p.name()).commandTimeout())
                    .runAll(cluster.ha().commandsDir(p.name()), env));
        }
        if (r.ok() && !hold.isZero()) {
            r = t.run("hold", () -> holdFor(hold));
        }
        if (!r.ok()) {
            failure = r.detail();
        }
        boolean release = identityTaken;
        StepResult cleanup = t.run("throw-away", () -> throwAway(p, target, snap[0], clones, server[0], release));
        if (failure == null && !cleanup.ok()) {
            failure = cleanup.detail();
        }
        FailoverTimeline timeline = t.finish(failure == null);
        String outcome = failure == null ? "completed" : "failed: " + failure;
        LOG.info("{}: rehearsal of {} on {} {} in {} ms", cluster.standby().name(), p.name(), address, outcome,
                timeline.total().toMillis());
        events.accept(new ModelEvent.RehearsalFinished(wall.instant(), timeline, outcome));
        return timeline;
    }

    private StepResult serveClones(PrimaryConfig p, SnapshotInfo snap, TakeoverTarget target,
                                   List<CloneDevice> clones, NbdServer[] server) {
        MutableNbdExports exports = new MutableNbdExports();
        try {
            for (int i = 0; i < target.volumes().size(); i++) {
                String v = target.volumes().get(i);
                CloneDevice c = CloneDevice.over(snapshots.image(p.name(), v, snap.id(), snap.name()),
                        target.replicas().get(i), p.name() + "/" + v + " (rehearsal clone)");
                clones.add(c);
                exports.put(v, c);
            }
            server[0] = NbdServer.start(new InetSocketAddress(target.address(), target.nbdPort()), exports);
            return StepResult.ok("writable clones of " + target.volumes() + " on " + target.address() + ":"
                    + target.nbdPort());
        } catch (IOException e) {
            return StepResult.failed("cannot serve the clones on " + target.address() + ":" + target.nbdPort() + ": "
                    + e.getMessage());
        }
    }

    private StepResult holdFor(Duration hold) {
        try {
            Thread.sleep(hold.toMillis());
            return StepResult.ok("clones served " + hold.toSeconds() + " s for a look by hand");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StepResult.failed("interrupted while holding the clones");
        }
    }

    private StepResult throwAway(PrimaryConfig p, TakeoverTarget target, SnapshotInfo snap, List<CloneDevice> clones,
                                 NbdServer server, boolean releaseIdentity) {
        List<String> problems = new ArrayList<>();
        long written = 0;
        if (server != null) {
            server.close();
        }
        for (CloneDevice c : clones) {
            written += c.bytesWritten();
            try {
                c.close();
            } catch (IOException e) {
                problems.add(c.describe() + ": " + e.getMessage());
            }
        }
        if (releaseIdentity) {
            StepResult released = identity.apply(p.name()).release(target);
            if (!released.ok()) {
                problems.add(released.detail());
            }
        }
        if (snap != null) {
            try {
                snapshots.remove(snap, null, "rehearsal ended");
            } catch (IOException e) {
                problems.add("snapshot " + snap.name() + ": " + e.getMessage());
            }
        }
        String what = clones.size() + " clone(s) (" + written + " bytes written to them) and the snapshot thrown away";
        return problems.isEmpty() ? StepResult.ok(what) : StepResult.failed(what + "; " + problems);
    }
}
