package org.understudy.snapshot;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.SnapshotKind;

/**
 * The in-memory state of one primary's snapshot store, rebuilt by applying its journal in order and kept current by
 * applying each new entry once it is durable: the snapshots, each volume's chain of sealed members (oldest first)
 * with the chunks each holds, and which slots of the chunk file are taken.
 *
 * <p>Copy on write keeps one rule: a write over a chunk preserves its old content into the <em>newest</em> member of
 * the volume if that member does not hold the chunk yet. So a member reads a chunk from the oldest member at or after
 * it that holds it, and from the live replica if none does (nothing wrote the chunk since). Deleting a member hands
 * each of its chunks to the next older member when that one lacks it (it read the chunk from here) and frees the
 * others: deletion moves no data. Not thread-safe: the {@link SnapshotStore} guards it.
 */
final class SnapshotState {
    private static final Logger LOG = LogManager.getLogger(SnapshotState.class);

    /** One snapshot: its metadata and its sealed members by volume. */
    static final class Snap {
        final long id;
        final String name;
        final long createdMillis;
        final SnapshotKind kind;
        final boolean primaryCut;
        final List<String> volumes;
        List<String> labels;
        long expiresMillis = -1;
        boolean held;
        boolean complete;
        final Map<String, Member> members = new LinkedHashMap<>();

        Snap(JournalRecord.Begin b) {
            id = b.id();
            name = b.name();
            createdMillis = b.createdMillis();
            kind = b.kind();
            primaryCut = b.primaryCut();
            volumes = b.volumes();
            labels = b.labels();
        }

        JournalRecord.Begin begin() {
            return new JournalRecord.Begin(id, name, createdMillis, kind, primaryCut, volumes, labels);
        }
    }

    /** One volume's image in one snapshot. */
    static final class Member {
        final Snap snap;
        final String volume;
        final boolean consistent;
        final ChunkMap chunks = new ChunkMap();
        /** Reads under way (an export or a clone reading it); a member being deleted waits for none. */
        int readers;
        boolean closing;

        Member(Snap snap, String volume, boolean consistent) {
            this.snap = snap;
            this.volume = volume;
            this.consistent = consistent;
        }
    }

    private int chunkSize;
    private final Map<Long, Snap> snaps = new LinkedHashMap<>();
    private final Map<String, List<Member>> chains = new LinkedHashMap<>();
    private final BitSet slots = new BitSet();
    private long slotsInUse;
    private long nextId = 1;

    int chunkSize() {
        return chunkSize;
    }

    long nextId() {
        return nextId;
    }

    Map<Long, Snap> snaps() {
        return snaps;
    }

    Snap snap(long id) {
        return snaps.get(id);
    }

    /** The volume's sealed members, oldest first (empty when none). */
    List<Member> chain(String volume) {
        return chains.getOrDefault(volume, List.of());
    }

    /** The volume's newest sealed member, the one writes preserve into; null when it has none. */
    Member newest(String volume) {
        List<Member> c = chains.get(volume);
        return c == null || c.isEmpty() ? null : c.getLast();
    }

    /** Slots taken (by members and by preservations under way). */
    long slotsInUse() {
        return slotsInUse;
    }

    /** One past the highest slot taken: how far the chunk file reaches. */
    long slotHighWater() {
        return slots.length();
    }

    /** A copy of which slots are taken. */
    java.util.BitSet slotsTaken() {
        return (java.util.BitSet) slots.clone();
    }

    /** Takes the lowest free slot for a preservation under way. */
    long allocate() {
        int s = slots.nextClearBit(0);
        slots.set(s);
        slotsInUse++;
        return s;
    }

    /** Gives back a slot taken by {@link #allocate} whose preservation was abandoned. */
    void release(long slot) {
        free(slot);
    }

    /**
     * The slot holding {@code chunk} as {@code member} sees it, or -1 when the live replica still holds that content.
     */
    long resolve(Member member, long chunk) {
        List<Member> chain = chains.get(member.volume);
        if (chain == null) {
            return -1;
        }
        int i = chain.indexOf(member);
        if (i < 0) {
            throw new IllegalStateException("member " + member.snap.name + "/" + member.volume + " is gone");
        }
        for (; i < chain.size(); i++) {
            long slot = chain.get(i).chunks.get(chunk);
            if (slot >= 0) {
                return slot;
            }
        }
        return -1;
    }

    /** What the store says of {@code s}. */
    SnapshotInfo info(Snap s, String primary) {
        Map<String, SnapshotInfo.Member> members = new LinkedHashMap<>();
        s.members.forEach((v, m) -> members.put(v, new SnapshotInfo.Member(m.consistent,
                (long) m.chunks.size() * chunkSize)));
        return new SnapshotInfo(s.id, primary, s.name, java.time.Instant.ofEpochMilli(s.createdMillis), s.kind,
                s.primaryCut, s.labels, s.expiresMillis < 0 ? null : java.time.Instant.ofEpochMilli(s.expiresMillis),
                s.held, s.complete, members);
    }

    /** Applies one journal entry; entries that do not fit the state (a damaged journal) are logged and skipped. */
    void apply(JournalRecord r) {
        switch (r) {
            case JournalRecord.Header h -> chunkSize = h.chunkSize();
            case JournalRecord.Begin b -> {
                if (snaps.containsKey(b.id())) {
                    skip(r, "snapshot id already used");
                    return;
                }
                snaps.put(b.id(), new Snap(b));
                nextId = Math.max(nextId, b.id() + 1);
            }
            case JournalRecord.Seal s -> {
                Snap snap = snaps.get(s.id());
                if (snap == null || !snap.volumes.contains(s.volume()) || snap.members.containsKey(s.volume())) {
                    skip(r, "no such unsealed member");
                    return;
                }
                Member m = new Member(snap, s.volume(), s.consistent());
                snap.members.put(s.volume(), m);
                chains.computeIfAbsent(s.volume(), v -> new ArrayList<>()).add(m);
            }
            case JournalRecord.Complete c -> {
                Snap snap = snaps.get(c.id());
                if (snap == null) {
                    skip(r, "no such snapshot");
                    return;
                }
                snap.complete = true;
            }
            case JournalRecord.Preserve p -> {
                Snap snap = snaps.get(p.id());
                Member m = snap == null ? null : snap.members.get(p.volume());
                if (m == null) {
                    skip(r, "no such member");
                    return;
                }
                for (int i = 0; i < p.chunks().length; i++) {
                    if (!m.chunks.contains(p.chunks()[i])) {
                        m.chunks.put(p.chunks()[i], p.slots()[i]);
                        take(p.slots()[i]);
                    }
                }
            }
            case JournalRecord.Delete d -> {
                Snap snap = snaps.get(d.id());
                if (snap == null) {
                    skip(r, "no such snapshot");
                    return;
                }
                if (d.volume().isEmpty()) {
                    for (Member m : List.copyOf(snap.members.values())) {
                        dropMember(m);
                    }
                    snaps.remove(d.id());
                } else {
                    Member m = snap.members.get(d.volume());
                    if (m != null) {
                        dropMember(m);
                    }
                    if (snap.members.isEmpty() && snap.complete) {
                        snaps.remove(d.id());
                    }
                }
            }
            case JournalRecord.CheckedPreserve c -> apply(c.preserve());
            case JournalRecord.Update u -> {
                Snap snap = snaps.get(u.id());
                if (snap == null) {
                    skip(r, "no such snapshot");
                    return;
                }
                snap.labels = u.labels();
                snap.expiresMillis = u.expiresMillis();
                snap.held = u.held();
            }
        }
    }

    /** The journal entries that rebuild this state exactly (the compacted journal). */
    List<JournalRecord> entries() {
        List<JournalRecord> out = new ArrayList<>();
        out.add(new JournalRecord.Header(SnapshotJournal.VERSION, chunkSize));
        // members are sealed in chain order, so replaying seals in that order rebuilds the same chains
        for (Snap s : snaps.values()) {
            out.add(s.begin());
            if (s.complete) {
                out.add(new JournalRecord.Complete(s.id));
            }
            if (!s.labels.isEmpty() || s.expiresMillis >= 0 || s.held) {
                out.add(new JournalRecord.Update(s.id, s.labels, s.expiresMillis, s.held));
            }
        }
        for (List<Member> chain : chains.values()) {
            for (Member m : chain) {
                out.add(new JournalRecord.Seal(m.snap.id, m.volume, m.consistent));
                List<long[]> pairs = new ArrayList<>();
                m.chunks.forEach((c, slot) -> pairs.add(new long[] {c, slot}));
                for (int from = 0; from < pairs.size(); from += JournalCodec.MAX_PRESERVE) {
                    List<long[]> part = pairs.subList(from, Math.min(pairs.size(), from + JournalCodec.MAX_PRESERVE));
                    out.add(new JournalRecord.Preserve(m.snap.id, m.volume, part.stream().mapToLong(a -> a[0]).toArray(),
                            part.stream().mapToLong(a -> a[1]).toArray()));
                }
            }
        }
        return out;
    }

    private void dropMember(Member m) {
        List<Member> chain = chains.get(m.volume);
        int i = chain.indexOf(m);
        Member older = i > 0 ? chain.get(i - 1) : null;
        m.chunks.forEach((chunk, slot) -> {
            if (older != null && !older.chunks.contains(chunk)) {
                older.chunks.put(chunk, slot); // it read this chunk from here
            } else {
                free(slot);
            }
        });
        chain.remove(i);
        m.snap.members.remove(m.volume);
    }

    private void take(long slot) {
        if (!slots.get((int) slot)) {
            slots.set((int) slot);
            slotsInUse++;
        }
    }

    private void free(long slot) {
        if (slots.get((int) slot)) {
            slots.clear((int) slot);
            slotsInUse--;
        }
    }

    private static void skip(JournalRecord r, String why) {
        LOG.warn("snapshot journal: entry {} skipped: {}", r, why);
    }
}
