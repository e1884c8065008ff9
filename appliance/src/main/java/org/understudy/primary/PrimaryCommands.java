package org.understudy.primary;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandHandler;
import org.understudy.command.CommandResult;
import org.understudy.config.MirrorMode;
import org.understudy.config.Rates;
import org.understudy.mirror.LinkTestResult;
import org.understudy.mirror.MirroredVolume;
import org.understudy.mirror.VerifyResult;
import org.understudy.resync.ThrottleSet;
import org.understudy.resync.Throttles;

/**
 * The operator commands a primary serves: bandwidth caps (its link cap, named by its own name, and its global cap
 * over all its volumes' links), online verify of one of its volumes and the link test. Failover commands belong to
 * the standby and are refused here. Thread-safe (the throttles and volumes are).
 */
final class PrimaryCommands implements CommandHandler {
    private static final Logger LOG = LogManager.getLogger(PrimaryCommands.class);

    private final String self;
    private final Throttles throttles;
    private final Map<String, MirroredVolume> volumes;

    /** How long a verify request waits for the outcome before it answers "still running" (under the clients' 30 s). */
    static final Duration VERIFY_ANSWER_WAIT = Duration.ofSeconds(20);

    private final Duration verifyAnswerWait;

    PrimaryCommands(String self, Throttles throttles, Map<String, MirroredVolume> volumes) {
        this(self, throttles, volumes, VERIFY_ANSWER_WAIT);
    }

    PrimaryCommands(String self, Throttles throttles, Map<String, MirroredVolume> volumes, Duration verifyAnswerWait) {
        this.self = self;
        this.throttles = throttles;
        this.volumes = volumes;
        this.verifyAnswerWait = verifyAnswerWait;
    }

    @Override
    public CommandResult handle(Actor actor, Command command) throws Exception {
        return switch (command) {
            case Command.SetThrottle t -> throttle(t);
            case Command.Verify v -> verify(v);
            case Command.LinkTest l -> linkTest(l);
            default -> CommandResult.refused(command.name() + " is not served by primary " + self
                    + " (ask the standby)");
        };
    }

    private CommandResult throttle(Command.SetThrottle t) {
        if (t.primary() != null && !t.primary().equals(self)) {
            return CommandResult.refused("primary " + self + " cannot set the link cap of " + t.primary()
                    + " (ask " + t.primary() + ")");
        }
        ThrottleSet set = t.traffic() == Command.Traffic.MIRROR ? throttles.mirroring() : throttles.resync();
        String kind = t.traffic().name().toLowerCase();
        String floor = belowSyncFloor(t);
        if (floor != null) {
            LOG.warn("{}: {} cap of {} refused: {}", self, kind, Rates.bytes(t.bytesPerSecond()), floor);
            return CommandResult.refused(self + ": " + floor);
        }
        long before;
        if (t.primary() == null) {
            before = set.globalRate();
            set.setGlobalRate(t.bytesPerSecond());
        } else {
            before = set.linkRate(self);
            set.setLinkRate(self, t.bytesPerSecond());
        }
        String scope = t.primary() == null ? "global" : "link";
        LOG.info("{}: {} cap on {} traffic changed from {} to {}", self, scope, kind, Rates.format(before),
                Rates.format(t.bytesPerSecond()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", scope);
        details.put("traffic", kind);
        details.put("bytesPerSecond", t.bytesPerSecond());
        details.put("previousBytesPerSecond", before);
        var caps = throttles.capsOf(self);
        details.put("effectiveBytesPerSecond", t.traffic() == Command.Traffic.MIRROR ? caps.mirror() : caps.resync());
        return CommandResult.ok(self + ": " + scope + " " + kind + " cap " + exact(t.bytesPerSecond())
                + (t.force() ? " (forced)" : "") + " (was " + Rates.format(before) + ")", details);
    }

    private static String exact(long bps) {
        return bps == 0 ? "unlimited" : Rates.format(bps) + " (" + Rates.bytes(bps) + ")";
    }

    /** Why a mirror cap is too low for this primary's sync-mode volumes (unless forced), or null. */
    private String belowSyncFloor(Command.SetThrottle t) {
        if (t.force() || t.traffic() != Command.Traffic.MIRROR || t.bytesPerSecond() == 0
                || t.bytesPerSecond() >= Rates.SYNC_MIRROR_FLOOR) {
            return null;
        }
        List<String> sync = volumes.entrySet().stream().filter(e -> e.getValue().mode() == MirrorMode.SYNC)
                .map(Map.Entry::getKey).toList();
        return sync.isEmpty() ? null : "a mirror cap of " + exact(t.bytesPerSecond()) + " is below the "
                + Rates.format(Rates.SYNC_MIRROR_FLOOR) + " floor for sync-mode volumes " + sync + ": every write to "
                + "them would wait for it; give at least " + Rates.format(Rates.SYNC_MIRROR_FLOOR) + ", or force it "
                + "(understudy throttle --force)";
    }

    private CommandResult verify(Command.Verify v) throws Exception {
        if (!v.primary().equals(self)) {
            return CommandResult.refused("primary " + self + " cannot verify " + v.target() + " (ask " + v.primary() + ")");
        }
        MirroredVolume vol = volumes.get(v.volume());
        if (vol == null) {
            return CommandResult.unknown("primary " + self + " has no volume " + v.volume() + " (volumes: "
                    + volumes.keySet() + ")");
        }
        Instant started = Instant.now();
        VerifyResult r;
        switch (BoundedWait.run("understudy-verify-" + v.target(), verifyAnswerWait, vol::verify)) {
            case BoundedWait.Done<VerifyResult> done -> r = done.value();
            case BoundedWait.Failed<VerifyResult> f when f.failure() instanceof IllegalStateException e -> {
                return CommandResult.refused(e.getMessage());
            }
            case BoundedWait.Failed<VerifyResult> f -> throw f.failure();
            case BoundedWait.Running<VerifyResult> running -> {
                running.future().whenComplete((done, failure) -> {
                    if (failure != null) {
                        LOG.error("{}: verify of {} started {} failed: {}", self, v.target(), started, failure.toString());
                    }
                });
                LOG.info("{}: verify of {} still running after {} s; answered, it goes on", self, v.target(),
                        verifyAnswerWait.toSeconds());
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("running", true);
                d.put("startedAt", started.toString());
                return CommandResult.ok(v.target() + ": verify still running after " + verifyAnswerWait.toSeconds()
                        + " s; its outcome will show in status (last verify) and, for a mismatch, as a VERIFY_MISMATCH "
                        + "alarm", d);
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("bytes", r.bytes());
        d.put("regionsCompared", r.regionsCompared());
        d.put("mismatches", r.mismatches());
        d.put("skippedInFlight", r.skipped());
        d.put("mismatchOffsets", r.mismatchOffsets());
        d.put("millis", r.millis());
        d.put("mbPerSecond", Math.round(r.mbPerSecond() * 10) / 10.0);
        return CommandResult.ok(v.target() + ": " + r.summary(), d);
    }

    private CommandResult linkTest(Command.LinkTest l) throws Exception {
        if (!l.primary().equals(self)) {
            return CommandResult.refused("primary " + self + " cannot test the link of " + l.primary());
        }
        MirroredVolume first = volumes.values().stream().findFirst().orElse(null);
        if (first == null) {
            return CommandResult.refused("primary " + self + " has no volume to test a link with");
        }
        LinkTestResult r;
        try {
            r = first.linkTest();
        } catch (IllegalStateException e) {
            return CommandResult.refused(e.getMessage());
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rttMinMs", r.rttMinMicros() / 1000.0);
        d.put("rttAvgMs", r.rttAvgMicros() / 1000.0);
        d.put("rttMaxMs", r.rttMaxMicros() / 1000.0);
        d.put("throughputMBps", Math.round(r.bytesPerSecond() / 1e5) / 10.0);
        d.put("bytesSent", r.bytes());
        d.put("maxFrame", r.maxFrame());
        d.put("advice", r.advice());
        return CommandResult.ok(String.format("%s -> standby: round trip %.3f ms (min %.3f, max %.3f), throughput %.1f MB/s",
                self, r.rttAvgMicros() / 1000.0, r.rttMinMicros() / 1000.0, r.rttMaxMicros() / 1000.0,
                r.bytesPerSecond() / 1e6), d);
    }
}
