package org.understudy.snapshot;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The committer of one {@link CowWriter.Batch}: groups of held-back writes that the batch's thread handed off
 * ({@link CowWriter.Batch#commitAsync}) are committed here, in the order handed off, on a virtual thread, while the
 * batch's thread goes on receiving and preparing the next writes. One run takes every group waiting and makes all
 * their preservations durable with one commit ({@link SnapshotStore#commit}: a group commit, so groups handed off
 * while a force runs share the next one), then applies their writes in order and tells the landing the last group's
 * mark. Nothing of a group reaches the image before its preservations are durable. A failure stops the committer for
 * good: later groups' preservations are given back, their writes never applied, and the landing is told once.
 * Thread-safe.
 */
final class Committer {
    private static final Logger LOG = LogManager.getLogger(Committer.class);

    /** Held-back writes handed off together, with the preservations they wait for. */
    static final class Group {
        final List<SnapshotStore.Staged> staged;
        final long dataTicket;
        final List<CowWriter.Held> held;
        final Set<Long> chunks;
        final long bytes;
        final long mark;
        final CowWriter.Landing landing;
        /** Its writes are on the image (set by the committer, read by the batch's thread). */
        volatile boolean landed;

        Group(List<SnapshotStore.Staged> staged, long dataTicket, List<CowWriter.Held> held, Set<Long> chunks,
              long bytes, long mark, CowWriter.Landing landing) {
            this.staged = staged;
            this.dataTicket = dataTicket;
            this.held = held;
            this.chunks = chunks;
            this.bytes = bytes;
            this.mark = mark;
            this.landing = landing;
        }
    }

    private final CowWriter writer;
    private final SnapshotStore store;
    private final WriterGate gate;
    private final ArrayDeque<Group> waiting = new ArrayDeque<>();
    private boolean running;
    private boolean closed;
    private volatile IOException failure;
    private long runs;
    private long groups;

    Committer(CowWriter writer, SnapshotStore store, WriterGate gate) {
        this.writer = writer;
        this.store = store;
        this.gate = gate;
    }

    /** Queues {@code g} (counted as handed off at the gate already) behind every group handed off before it. */
    synchronized void submit(Group g) {
        if (closed) {
            giveUp(List.of(g));
            return;
        }
        waiting.addLast(g);
        if (!running) {
            running = true;
            Thread.ofVirtual().name("snapshot-commit-" + store.primary() + "/" + writer.volume()).start(this::run);
        }
    }

    /** Waits until every group handed off landed; throws the failure that stopped the committer, if any. */
    synchronized void awaitIdle() throws IOException {
        boolean interrupted = false;
        while (running || !waiting.isEmpty()) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    void rethrow() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Lets the run under way finish and gives up every group still waiting (never acknowledged: the primary still
     * counts those writes dirty); nothing lands after this returns.
     */
    void close() {
        List<Group> rest;
        synchronized (this) {
            closed = true;
            boolean interrupted = false;
            while (running) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            rest = new ArrayList<>(waiting);
            waiting.clear();
        }
        giveUp(rest);
        if (runs > 0) {
            LOG.debug("{}/{}: {} group(s) of held-back writes committed in {} run(s)", store.primary(),
                    writer.volume(), groups, runs);
        }
    }

    private void run() {
        while (true) {
            List<Group> take;
            synchronized (this) {
                if (closed || waiting.isEmpty()) {
                    running = false;
                    notifyAll();
                    return;
                }
                take = new ArrayList<>(waiting);
                waiting.clear();
            }
            if (failure != null) {
                giveUp(take);
                continue;
            }
            IOException error = land(take);
            for (int i = 0; i < take.size(); i++) {
                gate.landed();
            }
            CowWriter.Landing landing = take.getLast().landing;
            if (error == null) {
                landing.landed(take.getLast().mark);
            } else {
                LOG.error("{}/{}: committing {} group(s) of held-back writes failed; none of them nor any later one "
                        + "is applied: {}", store.primary(), writer.volume(), take.size(), error.toString());
                landing.failed(error);
            }
        }
    }

    /** One group commit over {@code take}, then their writes in order; the failure, or null. */
    private IOException land(List<Group> take) {
        List<SnapshotStore.Staged> staged = new ArrayList<>();
        long ticket = 0;
        for (Group g : take) {
            staged.addAll(g.staged);
            ticket = Math.max(ticket, g.dataTicket);
        }
        try {
            store.commit(staged, ticket); // gives the slots back itself when it fails
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException("snapshot commit failed: " + e, e);
            return failure;
        }
        try {
            for (Group g : take) {
                for (CowWriter.Held h : g.held) {
                    writer.writeImage(h.offset(), h.length(), h.data());
                }
                g.landed = true;
            }
        } catch (IOException | RuntimeException e) {
            failure = e instanceof IOException io ? io : new IOException("applying held-back writes failed: " + e, e);
            return failure;
        }
        synchronized (this) {
            runs++;
            groups += take.size();
        }
        return null;
    }

    /** Groups that will never land: their preservations given back, counted off at the gate. */
    private void giveUp(List<Group> rest) {
        for (Group g : rest) {
            if (!g.staged.isEmpty()) {
                store.abandon(g.staged);
            }
            gate.landed();
        }
    }
}
