package org.understudy.standby;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.config.HaConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.failover.FailbackSteps;
import org.understudy.failover.HookScripts;
import org.understudy.failover.IdentityAction;
import org.understudy.failover.IpAddressAction;
import org.understudy.failover.LoopbackAliasAction;
import org.understudy.failover.PlannedHandover;
import org.understudy.failover.StepResult;
import org.understudy.storage.AtOnce;
import org.understudy.failover.TakeoverSteps;
import org.understudy.failover.TakeoverTarget;
import org.understudy.model.MirrorState;
import org.understudy.model.VolumeSnapshot;
import org.understudy.replica.Replica;
import org.understudy.replica.StandInBitmap;
import org.understudy.resync.ByteRange;
import org.understudy.resync.IdentityStore;
import org.understudy.replica.ReplicaServer;

/**
 * The standby's takeover, switchover and failback steps over the replica server (fencing by epoch), the configured
 * scripts and identity action, the stand-in NBD servers and the primaries' admin APIs (drain, resume, copy back:
 * the routes of {@link PrimaryInternalRoutes}). The admin API is used rather than the replication link because those
 * are control requests with an answer a person can read, and the link is busy with data that must not wait behind
 * them. Thread-safe across primaries: the engine runs one sequence per primary at a time.
 */
final class StandbySteps implements TakeoverSteps, PlannedHandover, FailbackSteps {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    private static final Logger LOG = LogManager.getLogger(StandbySteps.class);
    private static final long FENCE_WAIT_MILLIS = 2000;
    private static final long DRAIN_WAIT_MILLIS = 10_000;
    private static final long COPY_STALL_MILLIS = 60_000;
    private static final long COPY_POLL_MILLIS = 20;
    /** Internal calls answer within this (a drain waits up to 10 s for writes in flight). */
    private static final Duration INTERNAL_TIMEOUT = Duration.ofSeconds(30);
    /** Whether a primary answers at all, before it is handed its role back. */
    private static final Duration ALIVE_TIMEOUT = Duration.ofSeconds(2);
    /** Ranges per volume in one copy request; a more fragmented plan is coarsened (copies a little more). */
    private static final int MAX_RANGES = 16_384;

    private final ClusterConfig cluster;
    private final String self;
    private final ReplicaServer replicas;
    private final Map<String, StandIn> standIns = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> drained = new ConcurrentHashMap<>();
    private final AddressRelease release;

    StandbySteps(ClusterConfig cluster, ReplicaServer replicas) {
        this.cluster = cluster;
        this.self = cluster.standby().name();
        this.replicas = replicas;
        this.release = new AddressRelease(self, System::nanoTime);
    }

    /** Primaries the standby serves right now. */
    List<String> serving() {
        return standIns.keySet().stream().sorted().toList();
    }

    void closeAll() {
        standIns.values().forEach(StandIn::close);
        standIns.clear();
    }

    private HaConfig.Failover settings(String primary) {
        return cluster.ha().failover(primary);
    }

    /** How {@code primary}'s address is taken over (a takeover, or a rehearsal on a test address). */
    IdentityAction identity(String primary) {
        HaConfig.Failover f = settings(primary);
        return f.identity() == HaConfig.Identity.IP
                ? new IpAddressAction(f.device(), f.prefix(), 3, f.commandTimeout())
                : new LoopbackAliasAction(200);
    }

    // ---- takeover ------------------------------------------------------------------------------------------------

    @Override
    public StepResult raiseEpoch(TakeoverTarget t) {
        try {
            long epoch = replicas.fence(t.primary(), "taken over by " + self, FENCE_WAIT_MILLIS);
            return StepResult.ok("epoch raised to " + epoch + "; " + t.primary() + "'s replication handshakes and "
                    + "frames refused from now on");
        } catch (IOException e) {
            return StepResult.failed("raising the epoch failed: " + e.getMessage());
        }
    }

    @Override
    public StepResult runFencingScript(TakeoverTarget t, String kind, String reason) {
        HaConfig.Failover f = settings(t.primary());
        return new HookScripts(f.commandTimeout()).runFencing(f.fencingCommand(), t.fencingEnvironment(kind, reason));
    }

    @Override
    public StepResult checkReplicas(TakeoverTarget t) {
        StringBuilder detail = new StringBuilder();
        for (VolumeSnapshot v : replicas.snapshots()) {
            if (!v.primary().equals(t.primary())) {
                continue;
            }
            Replica r = replicas.store().replica(t.primary(), v.name());
            boolean ok = r != null && r.consistent() && v.state() != MirrorState.SYNCING
                    && v.state() != MirrorState.INCONSISTENT;
            if (!ok) {
                return StepResult.failed(t.primary() + "/" + v.name() + " is " + v.state()
                        + " (consistent=" + (r != null && r.consistent()) + "): a replica that is not consistent is "
                        + "never promoted");
            }
            detail.append(detail.isEmpty() ? "" : ", ").append(v.name()).append(" consistent");
        }
        return StepResult.ok(detail.isEmpty() ? "no volumes" : detail.toString());
    }

    @Override
    public StepResult awaitRelease(TakeoverTarget t) {
        HaConfig.Failover f = settings(t.primary());
        return release.await(t, replicas.epoch(t.primary()), f.releaseTimeout(), !f.fencingCommand().isEmpty(),
                this::tellFenced);
    }

    /** The standby raised {@code t}'s epoch: tell it, so it closes its exports now. What it said, for the timeline. */
    private String tellFenced(TakeoverTarget t, long epoch, Duration within) {
        try {
            JsonNode r = internal(t.primary(), within).postJson("/api/internal/fence",
                    Map.of("epoch", epoch, "reason", "taken over by " + self));
            return r.path("message").asText();
        } catch (AdminClientException | ConfigException e) {
            return "no answer from its admin API (" + e.getMessage() + ")";
        }
    }

    @Override
    public StepResult handRoleBack(TakeoverTarget t, String why) {
        try {
            internal(t.primary(), ALIVE_TIMEOUT).getJson("/api/health");
        } catch (AdminClientException | ConfigException e) {
            return StepResult.failed(t.primary() + " does not answer (" + e.getMessage() + "); it stays fenced "
                    + "until an operator clears the fence");
        }
        try {
            replicas.fences().clear(t.primary(), "takeover stopped, role handed back: " + why);
            long epoch = replicas.epoch(t.primary());
            JsonNode r = internal(t.primary(), INTERNAL_TIMEOUT).postJson("/api/internal/resume",
                    Map.of("reason", "role handed back by " + self + " (" + why + ")", "epoch", epoch));
            return r.path("ok").asBoolean() ? StepResult.ok("fence lifted, epoch " + epoch + " handed back; "
                    + t.primary() + ": " + r.path("message").asText())
                    : StepResult.failed("fence lifted, but " + t.primary() + " did not take its role back: "
                    + r.path("message").asText());
        } catch (IOException | ConfigException e) {
            return StepResult.failed("handing " + t.primary() + " its role back failed: " + e.getMessage());
        }
    }

    @Override
    public StepResult takeOverIdentity(TakeoverTarget t) {
        return identity(t.primary()).acquire(t);
    }

    @Override
    public StepResult serveVolumes(TakeoverTarget t) {
        // the replicas are about to take writes the primary never sees: a new generation on each, saved first, so a
        // returning primary meets a newer history (failback or split brain), never an incremental resync over them;
        // and a stand-in bitmap, so a failback copies back only what changed
        // every volume's at once: their durable writes overlap
        List<StandInBitmap> bitmaps;
        try {
            bitmaps = AtOnce.map(t.volumes(), v -> {
                try {
                    return replicas.store().replica(t.primary(), v).beginStandIn(RANDOM);
                } catch (IOException e) {
                    throw new IOException(t.primary() + "/" + v + ": " + e.getMessage(), e);
                }
            }, b -> closeAll(List.of(b)));
        } catch (IOException e) {
            return StepResult.failed("cannot start a new generation before serving: " + e.getMessage());
        }
        return serve(t, bitmaps);
    }

    private StepResult serve(TakeoverTarget t, List<StandInBitmap> bitmaps) {
        PrimaryConfig p = cluster.primary(t.primary()).orElseThrow();
        // the replicas' own devices: the stand-in's writes go through their copy-on-write writers like every write
        List<org.understudy.storage.BlockDevice> devices = t.volumes().stream()
                .map(v -> replicas.store().replica(t.primary(), v).device(t.primary() + "/" + v + " (stand-in)"))
                .toList();
        try {
            StandIn old = standIns.remove(t.primary());
            if (old != null) {
                old.close();
            }
            standIns.put(t.primary(), StandIn.serve(self, t, devices, bitmaps, p.nbdMaxConnections()));
            // from now on the replicas get writes the primary never saw: a standby restart must serve them again
            replicas.fences().standingIn(t.primary(), true);
            return StepResult.ok("serving " + t.volumes() + " on " + t.address() + ":" + t.nbdPort());
        } catch (IOException e) {
            return StepResult.failed("cannot serve on " + t.address() + ":" + t.nbdPort() + ": " + e.getMessage());
        }
    }

    private static void closeAll(List<StandInBitmap> bitmaps) {
        for (StandInBitmap b : bitmaps) {
            try {
                b.close();
            } catch (IOException e) {
                LOG.error("closing a stand-in bitmap: {}", e.toString());
            }
        }
    }

    @Override
    public StepResult runFailoverHooks(TakeoverTarget t, String kind, String reason) {
        HaConfig.Failover f = settings(t.primary());
        return new HookScripts(f.commandTimeout()).runAll(cluster.ha().commandsDir(t.primary()),
                t.environment(kind, reason));
    }

    @Override
    public StepResult releaseIdentity(TakeoverTarget t) {
        StandIn s = standIns.remove(t.primary());
        if (s != null) {
            s.close();
        }
        try {
            replicas.fences().standingIn(t.primary(), false);
        } catch (IOException e) {
            LOG.error("{}: cannot record that {} is no longer served: {}", self, t.primary(), e.toString());
        }
        return identity(t.primary()).release(t);
    }

    /**
     * After a standby restart: serves again a primary the standby stood in for (its address and its volumes), so
     * the writes only the replicas hold stay served. Returns why not when it cannot.
     */
    StepResult resumeStandingIn(TakeoverTarget t) {
        StepResult id = takeOverIdentity(t);
        if (!id.ok()) {
            return id;
        }
        List<StandInBitmap> bitmaps = new ArrayList<>();
        for (String v : t.volumes()) {
            try {
                bitmaps.add(replicas.store().replica(t.primary(), v).resumeStandIn());
            } catch (IOException e) {
                closeAll(bitmaps);
                return StepResult.failed(t.primary() + "/" + v + ": cannot open the stand-in bitmap: " + e.getMessage());
            }
        }
        // same generation as before the restart: the replicas' history already says they stood in
        return serve(t, bitmaps);
    }

    @Override
    public StepResult clearFence(TakeoverTarget t) {
        try {
            replicas.fences().clear(t.primary(), "cleared by an operator");
            // the replicas still refuse identities older than their epoch: the primary must carry it from now on
            long epoch = replicas.epoch(t.primary());
            String told = tellPrimary(t.primary(), "/api/internal/resume",
                    Map.of("reason", "fence cleared at the standby", "epoch", epoch));
            return StepResult.ok("fence cleared at epoch " + epoch + "; " + told);
        } catch (IOException e) {
            return StepResult.failed("cannot clear the fence: " + e.getMessage());
        }
    }

    // ---- planned switchover --------------------------------------------------------------------------------------

    @Override
    public StepResult drainPrimary(TakeoverTarget t) {
        JsonNode r;
        try {
            r = internal(t.primary(), INTERNAL_TIMEOUT).postJson("/api/internal/drain", Map.of("by", self));
        } catch (AdminClientException | ConfigException e) {
            return StepResult.failed("cannot ask " + t.primary() + " to drain: " + e.getMessage());
        }
        drained.put(t.primary(), r);
        return r.path("ok").asBoolean() ? StepResult.ok(r.path("message").asText())
                : StepResult.failed(t.primary() + " could not drain: " + r.path("message").asText());
    }

    @Override
    public StepResult awaitCaughtUp(TakeoverTarget t) {
        JsonNode r = drained.remove(t.primary());
        if (r == null) {
            return StepResult.failed("no drain report from " + t.primary());
        }
        for (JsonNode v : r.path("volumes")) {
            if (!v.path("flushAcked").asBoolean()) {
                return StepResult.failed(t.primary() + "/" + v.path("name").asText() + ": the final flush was not "
                        + "acknowledged by the standby (mirror " + v.path("state").asText() + ")");
            }
        }
        StepResult check = checkReplicas(t);
        return check.ok() ? StepResult.ok("every volume's final flush acknowledged; " + check.detail()) : check;
    }

    @Override
    public StepResult resumePrimary(TakeoverTarget t) {
        return StepResult.ok(tellPrimary(t.primary(), "/api/internal/resume", Map.of("reason", "switchover stopped")));
    }

    // ---- failback ------------------------------------------------------------------------------------------------

    @Override
    public StepResult resyncPrimary(TakeoverTarget t) {
        StandIn s = standIns.get(t.primary());
        if (s == null) {
            return StepResult.failed("the standby does not serve " + t.primary());
        }
        try {
            // new writes are tracked from here (the final copy), before the bitmaps are read: none falls between
            InetSocketAddress src = s.startCopySource(cluster.standby().address());
            Map<String, StandInBitmap> bitmaps = s.bitmaps();
            Map<String, Object> volumes = new LinkedHashMap<>();
            for (String v : t.volumes()) {
                StandInBitmap b = bitmaps.get(v);
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("replica", identityOf(t.primary(), v));
                spec.put("replicaBitmap", Map.of("usable", b.info().usable(), "regions", b.info().dirtyRegions()));
                spec.put("ranges", json(b.ranges()));
                volumes.put(v, spec);
            }
            return copyBack(t.primary(), src, volumes, false, "copy back");
        } catch (IOException e) {
            return StepResult.failed("cannot offer the replicas for the copy back: " + e.getMessage());
        }
    }

    @Override
    public StepResult stopServing(TakeoverTarget t) {
        StandIn s = standIns.get(t.primary());
        if (s == null) {
            return StepResult.failed("the standby does not serve " + t.primary());
        }
        StepResult copied;
        try {
            InetSocketAddress src = s.startCopySourceAddress();
            Map<String, List<ByteRange>> dirty = s.stopClients(DRAIN_WAIT_MILLIS);
            long regions = dirty.values().stream().mapToLong(List::size).sum();
            // nothing writes the replicas any more: the primary, once it holds their data, takes their identity too
            Map<String, Object> volumes = new LinkedHashMap<>();
            for (String v : t.volumes()) {
                volumes.put(v, Map.of("replica", identityOf(t.primary(), v), "ranges", json(dirty.get(v))));
            }
            copied = copyBack(t.primary(), src, volumes, true, "stopped serving; last " + regions + " changed range(s)");
        } catch (IOException e) {
            copied = StepResult.failed("stopping the stand-in failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            copied = StepResult.failed("interrupted");
        }
        if (!copied.ok()) {
            return standInAgain(t, s, copied);
        }
        // the primary holds the replicas' data and generation: the replicas owe it nothing any more
        s.closeBitmaps();
        for (String v : t.volumes()) {
            try {
                replicas.store().replica(t.primary(), v).failbackCompleted();
            } catch (IOException e) {
                LOG.error("{}: {}/{}: cannot record the completed failback ({}); the next failback copies everything",
                        self, t.primary(), v, e.toString());
            }
        }
        return copied;
    }

    /**
     * The final copy failed after the clients were stopped: serve them again, under a new generation, so that even
     * a primary that took the replicas' identity (a lost answer) meets a newer history next time, never the same.
     */
    private StepResult standInAgain(TakeoverTarget t, StandIn s, StepResult failure) {
        try {
            for (String v : t.volumes()) {
                replicas.store().replica(t.primary(), v).startNewGeneration(RANDOM);
            }
            s.resumeClients();
            return StepResult.failed(failure.detail() + "; the standby serves " + t.primary() + " again");
        } catch (IOException e) {
            return StepResult.failed(failure.detail() + "; and serving " + t.primary() + " again failed: "
                    + e.getMessage());
        }
    }

    @Override
    public StepResult returnRole(TakeoverTarget t) {
        try {
            replicas.fences().clear(t.primary(), "failback: role returned to " + t.primary());
            long epoch = replicas.epoch(t.primary());
            JsonNode r = internal(t.primary(), INTERNAL_TIMEOUT).postJson("/api/internal/resume",
                    Map.of("reason", "failback from " + self, "epoch", epoch));
            return r.path("ok").asBoolean() ? StepResult.ok("fence lifted (epoch " + epoch + "); " + t.primary()
                    + ": " + r.path("message").asText()) : StepResult.failed(r.path("message").asText());
        } catch (IOException | ConfigException e) {
            return StepResult.failed("cannot return the role: " + e.getMessage());
        }
    }

    private String identityOf(String primary, String volume) {
        return Base64.getEncoder().encodeToString(IdentityStore.toBytes(replicas.store().replica(primary, volume).identity()));
    }

    private static List<long[]> json(List<ByteRange> ranges) {
        return ByteRange.coarsen(ranges, MAX_RANGES).stream().map(r -> new long[] {r.offset(), r.length()}).toList();
    }

    /**
     * Asks the primary to copy, then follows its progress until it ends: a full copy of a large volume takes longer
     * than one request may, and a copy that stops moving is given up after {@link #COPY_STALL_MILLIS}.
     */
    private StepResult copyBack(String primary, InetSocketAddress src, Map<String, Object> volumes, boolean last,
                                String what) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("host", src.getAddress().getHostAddress());
        body.put("port", src.getPort());
        body.put("final", last);
        body.put("volumes", volumes);
        try {
            AdminClient admin = internal(primary, INTERNAL_TIMEOUT);
            JsonNode r = admin.postJson("/api/internal/copy-from", body);
            if (!r.path("ok").asBoolean()) {
                return StepResult.failed(what + " refused by " + primary + ": " + r.path("message").asText());
            }
            LOG.info("{}: {} of {}: {}", self, what, primary, r.path("message").asText());
            long lastDone = -1;
            long movedAt = System.nanoTime();
            while (true) {
                JsonNode st = admin.getJson("/api/internal/copy-status");
                if (!st.path("running").asBoolean()) {
                    return st.path("ok").asBoolean() ? StepResult.ok(what + ": " + st.path("message").asText())
                            : StepResult.failed(what + " failed on " + primary + ": " + st.path("message").asText());
                }
                long done = st.path("bytesDone").asLong();
                if (done != lastDone) {
                    lastDone = done;
                    movedAt = System.nanoTime();
                } else if (System.nanoTime() - movedAt > COPY_STALL_MILLIS * 1_000_000) {
                    return StepResult.failed(what + ": no progress for " + COPY_STALL_MILLIS / 1000 + " s at " + done
                            + " of " + st.path("bytesTotal").asLong() + " bytes");
                }
                Thread.sleep(COPY_POLL_MILLIS);
            }
        } catch (AdminClientException | ConfigException e) {
            return StepResult.failed(what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StepResult.failed(what + ": interrupted");
        }
    }

    private String tellPrimary(String primary, String path, Map<String, Object> body) {
        try {
            return primary + ": " + internal(primary, INTERNAL_TIMEOUT).postJson(path, body).path("message").asText();
        } catch (AdminClientException | ConfigException e) {
            LOG.warn("{}: could not reach {} ({}): {}", self, primary, path, e.getMessage());
            return primary + " not reachable (" + e.getMessage() + "); it stays as it is until told";
        }
    }

    /** A client for calls to {@code primary}'s internal routes, signed with the node credential. */
    private AdminClient internal(String primary, Duration timeout) throws ConfigException {
        return AdminClient.internal(cluster, self, primary, timeout);
    }
}
