package org.understudy.mirror;

import java.io.IOException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.AlarmKind;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.model.ModelEvent;
import org.understudy.replication.FrameType;
import org.understudy.replication.IdentityMessage;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.ResyncDecision;
import org.understudy.resync.ResyncDecisionTable;
import org.understudy.resync.ThrottleSet;

/**
 * The link lifecycle of one {@link MirroredVolume}: connects to the standby in the background with backoff, decides
 * each handshake with the {@link ResyncDecisionTable} (resync, or refuse and alarm), runs the resync of a new link and
 * takes the link down when it dies. Holds the volume's link, its {@link MirrorState} with the transition table below,
 * the operator-facing link state and the outcome of the last decision.
 *
 * <pre>
 *   INCONSISTENT ──connect──▶ SYNCING ──SYNC_END acked──▶ IN_SYNC
 *        │                     │  ▲                          │
 *        └──unreachable──▶ DEGRADED ◀──link lost─────────────┘
 *                              └──reconnect──▶ SYNCING
 * </pre>
 * Thread-safe. Its mutable state is guarded by the owning volume's monitor ({@code monitor}, the
 * {@link MirroredVolume} object itself), not by a lock of its own: the volume's state changes were always made
 * under that one monitor, and a write that finds no link diverges the identity under it too ({@link #linkForWrite}),
 * which the connect path relies on. Fields read without the monitor are volatile (the attempt count in the
 * unreachable log line excepted, read there just as before).
 */
final class LinkKeeper {
    // the volume's logger: these lines were always the volume's, and operators filter on its name
    private static final Logger LOG = LogManager.getLogger(MirroredVolume.class);
    private static final Map<MirrorState, Set<MirrorState>> ALLOWED = new EnumMap<>(Map.of(
            MirrorState.INCONSISTENT, EnumSet.of(MirrorState.SYNCING, MirrorState.DEGRADED),
            MirrorState.SYNCING, EnumSet.of(MirrorState.IN_SYNC, MirrorState.DEGRADED),
            MirrorState.IN_SYNC, EnumSet.of(MirrorState.DEGRADED),
            MirrorState.DEGRADED, EnumSet.of(MirrorState.SYNCING)));

    private final Object monitor;
    private final VolumeParts p;
    private final LinkConnector connector;
    private final ThrottleSet.Link resyncThrottle;
    private volatile MirrorLink link;
    private volatile ResyncDecision lastDecision;
    private volatile FullSync sync;
    private volatile MirrorState state = MirrorState.INCONSISTENT;
    private volatile LinkState linkState = LinkState.CONNECTING;
    private volatile Instant linkSince;
    private volatile String linkDetail;
    private long backoffMillis;
    private int failedAttempts;
    private final RepeatedFailures failures = new RepeatedFailures();
    private boolean closed;
    private ScheduledFuture<?> reconnect;
    private volatile Consumer<String> refusalListener = reason -> { };
    private final CompletableFuture<LinkState> firstAttempt = new CompletableFuture<>();
    /** Monotonic start of the running resync, for its duration. */
    private long syncStartNanos;

    /**
     * @param monitor the owning volume: every state change synchronizes on it
     */
    LinkKeeper(Object monitor, VolumeParts parts, LinkConnector connector, ThrottleSet.Link resyncThrottle) {
        this.monitor = monitor;
        this.p = parts;
        this.connector = connector;
        this.resyncThrottle = resyncThrottle;
        this.backoffMillis = parts.options().reconnectInitial().toMillis();
        this.linkSince = parts.options().wallClock().instant();
        this.linkDetail = "connecting to " + connector.standby();
    }

    /** The link in use, or null while there is none. */
    MirrorLink link() {
        return link;
    }

    /** The link to ship on, or null; when null the volume is written without the standby (a new generation). */
    MirrorLink linkForWrite() throws IOException {
        MirrorLink l = link;
        if (l == null) {
            synchronized (monitor) {
                l = link;
                if (l == null) {
                    p.identity().divergeIfNeeded();
                }
            }
        }
        return l;
    }

    /** See {@link MirroredVolume#linkTest}. */
    LinkTestResult linkTest() throws IOException {
        MirrorLink l = link;
        if (l == null) {
            throw new IllegalStateException(p.name() + ": no link to the standby (" + linkDetail + ")");
        }
        return LinkProbe.run(l, p.options().clock(), p.options().ackTimeout().toNanos());
    }

    /** Completes with the outcome of the first connection attempt: see {@link MirroredVolume#firstAttempt}. */
    CompletableFuture<LinkState> firstAttempt() {
        return firstAttempt;
    }

    /** Stops reconnecting for good; false when already closed. */
    boolean close() {
        synchronized (monitor) {
            if (closed) {
                return false;
            }
            closed = true;
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            return true;
        }
    }

    /**
     * Reconnects now instead of at the end of the current back-off: the standby has just said it accepts this primary
     * again (fence lifted, role returned). Does nothing while a link is up or an attempt is under way.
     */
    void reconnectNow() {
        synchronized (monitor) {
            ScheduledFuture<?> r = reconnect;
            if (closed || link != null || r == null || r.isDone() || !r.cancel(false)) {
                return;
            }
            backoffMillis = p.options().reconnectInitial().toMillis();
            LOG.info("mirror {}: reconnecting to standby {} now (it accepts this primary again)", p.name(),
                    p.standbyName());
            scheduleConnect(0);
        }
    }

    void scheduleConnect(long delayMillis) {
        synchronized (monitor) {
            if (closed) {
                return;
            }
            reconnect = p.scheduler().schedule(() -> {
                Thread t = new Thread(this::connectOnce, "mirror-connect-" + p.name());
                t.setDaemon(true);
                t.start();
            }, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void connectOnce() {
        setLink(LinkState.CONNECTING, "connecting to " + connector.standby());
        MirrorLink l;
        IdentityMessage mine;
        synchronized (monitor) {
            mine = new IdentityMessage(p.identity().get(),
                    p.planner() instanceof BitmapPlanner bp ? bp.info() : BitmapInfo.NONE);
        }
        try {
            l = connector.connect(p.primary(), p.volume().name(), p.volume().size(), p.counters(), this::linkDown,
                    mine);
        } catch (IOException | RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("fenced")) {
                raise(AlarmKind.FENCED, "the standby fenced this primary: " + e.getMessage());
            }
            long delay;
            long notLogged;
            String detail = String.valueOf(e.getMessage());
            synchronized (monitor) {
                failedAttempts++;
                delay = backoffMillis;
                backoffMillis = Math.min(p.options().reconnectMax().toMillis(), backoffMillis * 2);
                transition(MirrorState.DEGRADED, "standby " + connector.standby() + " unreachable");
                long now = p.options().clock().getAsLong();
                notLogged = failures.failed(detail, now);
                if (failures.inARow() > 1) {
                    detail += " (" + failures.inARow() + " attempts in a row since "
                            + p.options().wallClock().instant().minusNanos(now - failures.since()) + ")";
                }
            }
            if (e.getMessage() != null && e.getMessage().startsWith("standby refused")) {
                refusalListener.accept(e.getMessage());
            }
            setLink(LinkState.DOWN, detail);
            firstAttempt.complete(LinkState.DOWN);
            // a fenced primary is refused every few seconds for as long as it stays fenced: the same failure again
            // is logged only after a pause that doubles, with the count of those not logged (status shows the count)
            if (notLogged >= 0) {
                LOG.warn("mirror {}: cannot reach standby {} at {} (attempt {}): {}; serving locally, retry in {} ms{}",
                        p.name(), p.standbyName(), connector.standby(), failedAttempts, e.getMessage(), delay,
                        notLogged > 0 ? "; " + notLogged + " more like it not logged since the last line" : "");
            }
            scheduleConnect(delay);
            return;
        }
        ResyncDecision decision = ResyncDecisionTable.decide(p.name(), mine.identity(), l.peer().identity(),
                mine.bitmap(), l.peer().bitmap());
        if (decision.outcome().refuses() || decision.outcome().towardsPrimary()) {
            refuse(l, decision);
            return;
        }
        if (startResync(l, mine, decision)) {
            firstAttempt.complete(LinkState.UP);
            LOG.info("mirror {}: link up to standby {} at {} (replica consistent={}, fresh={}); {} {}: resync started",
                    p.name(), p.standbyName(), l.remote(), l.replicaConsistent(), l.replicaFresh(), decision.rule(),
                    decision.outcome());
            clear(AlarmKind.SPLIT_BRAIN, "link accepted: " + decision.outcome());
            clear(AlarmKind.RESYNC_UNDECIDED, "link accepted: " + decision.outcome());
            clear(AlarmKind.FENCED, "link accepted");
        }
    }

    /**
     * Makes an accepted link the volume's link and starts its resync, all under the monitor, so no client write can
     * be shipped on it before SYNC_BEGIN. False (link killed) when the volume is closing, the identity moved on during
     * the handshake or the bitmap cannot be marked for a full resync.
     */
    private boolean startResync(MirrorLink l, IdentityMessage mine, ResyncDecision decision) {
        synchronized (monitor) {
            if (closed) {
                l.kill("volume closing");
                return false;
            }
            if (!p.identity().get().equals(mine.identity())) {
                // a write started a new generation during the handshake: decide again with what we now hold
                l.kill("identity changed during the handshake");
                return false;
            }
            if (decision.outcome().full() && p.planner() instanceof BitmapPlanner bp) {
                try {
                    bp.markAll();
                } catch (IOException e) {
                    l.kill("cannot mark the dirty bitmap for a full resync: " + e.getMessage());
                    return false;
                }
            }
            List<ResyncPlanner.Extent> plan = p.planner().plan(p.volume().size(), l.replicaConsistent());
            lastDecision = decision;
            // SYNC_BEGIN must be the first frame: no client write may reach a replica not yet marked inconsistent
            l.enqueue(FrameType.SYNC_BEGIN, 0, 0, 0, null, false);
            link = l;
            backoffMillis = p.options().reconnectInitial().toMillis();
            failedAttempts = 0;
            failures.succeeded();
            p.counters().linksEstablished.incrementAndGet();
            FullSync s = new FullSync(p.name(), p.local(), p.guard(), l, plan, p.options().syncChunk(),
                    p.options().syncWindow(), p.options().clock(), syncOutcome, p.counters(),
                    decision.outcome().full());
            sync = s;
            setLink(LinkState.UP, "to " + l.remote() + ", max frame " + l.maxFrame());
            long bytes = plan.stream().mapToLong(ResyncPlanner.Extent::length).sum();
            transition(MirrorState.SYNCING, "link up, " + decision.rule() + " " + decision.outcome() + ": resync of "
                    + plan.size() + " extent(s), " + bytes + " bytes");
            syncStartNanos = p.options().clock().getAsLong();
            if (bytes > 0) {
                p.context().events().accept(new ModelEvent.ResyncStarted(p.options().wallClock().instant(),
                        p.primary(), p.volume().name(), bytes, decision.rule() + " " + decision.outcome()));
            }
            l.start(p.scheduler());
            Thread t = new Thread(s, "mirror-sync-" + p.name());
            t.setDaemon(true);
            t.start();
            return true;
        }
    }

    /** The decision of the last connect ({@code null} before the first handshake). */
    ResyncDecision lastDecision() {
        return lastDecision;
    }

    /**
     * Generations say the copies must not be joined automatically (split brain, unrelated data, no consistent side)
     * or that data would have to flow back to this primary (failback is an operator's decision): keep both data sets,
     * raise the alarm and retry only at the slowest pace, in case an operator resolves it on the standby.
     */
    private void refuse(MirrorLink l, ResyncDecision d) {
        l.kill("refused by resync decision " + d.rule() + " " + d.outcome());
        AlarmKind kind = d.outcome() == ResyncDecision.Outcome.SPLIT_BRAIN
                || d.outcome() == ResyncDecision.Outcome.UNRELATED ? AlarmKind.SPLIT_BRAIN : AlarmKind.RESYNC_UNDECIDED;
        raise(kind, d.outcome() + " (" + d.rule() + "): " + d.reason());
        synchronized (monitor) {
            lastDecision = d;
            backoffMillis = p.options().reconnectMax().toMillis();
        }
        setLink(LinkState.DOWN, "refused: " + d.outcome() + " (" + d.rule() + ")");
        firstAttempt.complete(LinkState.DOWN);
        LOG.error("mirror {}: link to standby {} refused, nothing resynced, both data sets kept: {} {}: {}", p.name(),
                p.standbyName(), d.rule(), d.outcome(), d.reason());
    }

    void raise(AlarmKind kind, String text) {
        if (p.context().alarms() != null) {
            p.context().alarms().raise(kind, p.name(), text);
        }
    }

    void clear(AlarmKind kind, String why) {
        if (p.context().alarms() != null) {
            p.context().alarms().clear(kind, p.name(), why);
        }
    }

    /** Told the standby's words when it refuses the handshake or closes the link with a reason. */
    void onRefused(Consumer<String> listener) {
        refusalListener = listener;
    }

    private void linkDown(MirrorLink l, String reason) {
        long delay;
        synchronized (monitor) {
            if (link == l) {
                link = null;
            }
            if (closed) {
                return;
            }
            delay = backoffMillis;
            transition(MirrorState.DEGRADED, reason);
        }
        setLink(LinkState.DOWN, reason);
        if (reason != null && reason.startsWith("standby closed the link")) {
            refusalListener.accept(reason);
        }
        LOG.warn("mirror {}: link to standby {} lost: {}; volume DEGRADED, writes continue locally; reconnect in {} ms",
                p.name(), p.standbyName(), reason, delay);
        scheduleConnect(delay);
    }

    /** The running or last resync, or null before the first. */
    FullSync sync() {
        return sync;
    }

    private final FullSync.Outcome syncOutcome = new FullSync.Outcome() {
        @Override
        public void syncDone(MirrorLink l, List<ResyncPlanner.Extent> copied, FullSync s) {
            synchronized (monitor) {
                if (link != l || l.isDead()) {
                    return;
                }
                p.planner().completed(copied);
                try {
                    p.identity().resyncDoneAsSource();
                } catch (IOException e) {
                    LOG.warn("mirror {}: saving the identity after the resync failed: {} (the next reconnect"
                            + " copies more than needed)", p.name(), e.toString());
                }
                p.counters().syncsCompleted.incrementAndGet();
                transition(MirrorState.IN_SYNC, String.format("resync of %d bytes acknowledged by the standby"
                        + " (%.1f MB/s); %d bytes still dirty", s.total(), s.rate() / 1e6, p.dirtyBytes()));
                if (s.total() > 0) {
                    p.context().events().accept(new ModelEvent.ResyncCompleted(p.options().wallClock().instant(),
                            p.primary(), p.volume().name(), s.total(),
                            java.time.Duration.ofNanos(p.options().clock().getAsLong() - syncStartNanos)));
                }
            }
        }

        @Override
        public void beforeChunk(long bytes) throws InterruptedException {
            resyncThrottle.acquire(bytes);
        }

        @Override
        public void chunkAcked(long offset, long length) {
            p.planner().chunkCopied(offset, length);
        }

        @Override
        public void buffersDropped(long bufferBytes) {
            p.context().syncMemory().ended(p.name(), bufferBytes, p.scheduler());
        }

        @Override
        public void syncAborted(MirrorLink l, String reason) {
            LOG.warn("mirror {}: full sync aborted at {}%: {}", p.name(), String.format("%.1f", sync.percent()),
                    reason);
            l.kill("full sync aborted: " + reason);
        }
    };

    MirrorState state() {
        return state;
    }

    private void transition(MirrorState to, String why) {
        MirrorState from = state;
        if (from == to) {
            return;
        }
        if (!ALLOWED.get(from).contains(to)) {
            LOG.error("mirror {}: refusing illegal state change {} -> {} ({})", p.name(), from, to, why);
            return;
        }
        state = to;
        LOG.info("mirror {}: {} -> {}: {}", p.name(), from, to, why);
    }

    void setLink(LinkState s, String detail) {
        linkState = s;
        linkDetail = detail;
        linkSince = p.options().wallClock().instant();
    }

    LinkSnapshot linkSnapshot() {
        return new LinkSnapshot(p.standbyName(), p.volume().name(), linkState, linkSince, linkDetail);
    }
}
