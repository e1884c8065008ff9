package org.understudy.primary;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.mirror.FailbackTarget;
import org.understudy.mirror.MirroredVolume;
import org.understudy.nbd.NbdClient;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.ByteRange;
import org.understudy.resync.ThrottleSet;
import org.understudy.resync.Throttles;
import org.understudy.resync.IdentityStore;
import org.understudy.resync.VolumeIdentity;

/**
 * The primary's half of a failback copy, asked for by the standby ({@code POST /api/internal/copy-from}) and run in
 * the background while the standby polls its progress ({@code GET /api/internal/copy-status}): a large volume takes
 * longer than any one request should.
 *
 * <p>Body: {@code {"host", "port", "final": false|true, "volumes": {"vol0": {"replica": base64 identity,
 * "replicaBitmap": {"usable", "regions"}, "ranges": [[offset, length], ...]}}}}. The first copy ({@code final}
 * false) is decided per volume by the decision table from both identities and bitmaps, and copies the replica's
 * ranges united with this volume's own dirty regions (or everything, or nothing and a refusal); each volume is
 * marked inconsistent before its first byte. The final copy (the standby no longer serves) copies exactly the
 * ranges written since the first began, then each volume takes the replica's identity. One copy at a time.
 */
final class FailbackCopy {
    private static final Logger LOG = LogManager.getLogger(FailbackCopy.class);
    private static final int CHUNK = 1 << 20;

    /** One volume's part: where to copy into, what, and the identity to take at the end (final copy only). */
    private record Item(FailbackTarget target, String export, List<ByteRange> ranges, VolumeIdentity adopt,
                        String plan) {
    }

    private final String node;
    private final InetSocketAddress source;
    private final List<Item> items;
    private final long total;
    private final AtomicLong done = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private final ThrottleSet.Link throttle;
    private volatile boolean running = true;
    private volatile boolean ok;
    private volatile String message = "copying";
    private volatile Ended ended = (ok, outcome) -> { };

    private FailbackCopy(String node, InetSocketAddress source, List<Item> items, ThrottleSet.Link throttle) {
        this.throttle = throttle;
        this.node = node;
        this.source = source;
        this.items = items;
        this.total = items.stream().mapToLong(i -> ByteRange.bytes(i.ranges())).sum();
    }

    /** The request as understood, or why it is refused. */
    sealed interface Prepared permits Accepted, Refused {
    }

    record Accepted(FailbackCopy copy) implements Prepared {
    }

    record Refused(String reason) implements Prepared {
    }

    /**
     * Checks and plans the request against this primary's volumes; for a first copy, marks every volume inconsistent
     * (durably) before answering. Never throws for bad input: a refusal says what is wrong.
     */
    static Prepared prepare(String node, JsonNode body, Map<String, MirroredVolume> volumes) throws IOException {
        return prepare(node, body, volumes, Throttles.unlimited().resync().link(node));
    }

    /**
     * As {@link #prepare(String, JsonNode, Map)}, the copy passing {@code throttle} (the primary's resync cap: a
     * failback copy is no client write, so it is held to the resync cap like every other copy).
     */
    static Prepared prepare(String node, JsonNode body, Map<String, MirroredVolume> volumes, ThrottleSet.Link throttle)
            throws IOException {
        String host = body.path("host").asText("");
        int port = body.path("port").asInt(-1);
        if (host.isEmpty() || port <= 0 || port > 65535) {
            return new Refused("host and port of the copy source are required");
        }
        boolean last = body.path("final").asBoolean(false);
        List<Item> items = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = body.path("volumes").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            MirroredVolume v = volumes.get(e.getKey());
            if (v == null) {
                return new Refused("no volume " + e.getKey() + " on " + node);
            }
            FailbackTarget target = v.failbackTarget();
            JsonNode spec = e.getValue();
            List<ByteRange> ranges;
            VolumeIdentity replica;
            try {
                ranges = ranges(spec.path("ranges"), v.size());
                replica = IdentityStore.fromBytes(Base64.getDecoder().decode(spec.path("replica").asText("")),
                        "identity of " + e.getKey() + " sent by the standby");
            } catch (IllegalArgumentException | IOException ex) {
                return new Refused(e.getKey() + ": " + ex.getMessage());
            }
            if (last) {
                if (!target.inProgress()) {
                    return new Refused(e.getKey() + ": no failback copy began on this volume; refusing a final copy "
                            + "that would pass partial data off as the replica's");
                }
                items.add(new Item(target, e.getKey(), ranges, replica, ranges.size() + " range(s) written since"));
                continue;
            }
            JsonNode b = spec.path("replicaBitmap");
            BitmapInfo replicaBitmap = b.path("usable").asBoolean(false)
                    ? BitmapInfo.of(Math.max(0, b.path("regions").asLong(0))) : BitmapInfo.NONE;
            FailbackTarget.Plan plan = target.plan(replica, replicaBitmap, ranges);
            if (plan.refused()) {
                return new Refused(e.getKey() + ": " + plan.decision().rule() + " " + plan.decision().outcome() + ": "
                        + plan.decision().reason());
            }
            items.add(new Item(target, e.getKey(), plan.ranges(), null, plan.decision().rule() + " "
                    + plan.decision().outcome()));
        }
        if (items.isEmpty()) {
            return new Refused("no volumes named");
        }
        if (!last) {
            for (Item i : items) {
                i.target().begin();
            }
        }
        return new Accepted(new FailbackCopy(node, new InetSocketAddress(host, port), items, throttle));
    }

    private static List<ByteRange> ranges(JsonNode json, long size) {
        List<ByteRange> out = new ArrayList<>();
        for (JsonNode r : json) {
            if (!r.isArray() || r.size() != 2 || !r.get(0).canConvertToLong() || !r.get(1).canConvertToLong()) {
                throw new IllegalArgumentException("a range is [offset, length], got " + r);
            }
            ByteRange x = new ByteRange(r.get(0).asLong(), r.get(1).asLong());
            if (x.end() > size || x.end() < 0) {
                throw new IllegalArgumentException("range " + r + " ends past the volume's " + size + " bytes");
            }
            out.add(x);
        }
        return ByteRange.union(out);
    }

    /** What the standby is told before the copy runs. */
    String plan() {
        StringBuilder b = new StringBuilder();
        for (Item i : items) {
            b.append(b.isEmpty() ? "" : "; ").append(i.export()).append(": ").append(i.plan()).append(", ")
                    .append(ByteRange.bytes(i.ranges())).append(" bytes");
        }
        return b.toString();
    }

    /** What the copy's owner learns when it ends: whether it succeeded, and the outcome as status says it. */
    @FunctionalInterface
    interface Ended {
        void ended(boolean ok, String outcome);
    }

    /** Starts the copy in the background; {@code ended} hears of its end before {@link #running} turns false. */
    void start(Ended ended) {
        this.ended = ended;
        Thread t = new Thread(this::run, "failback-copy-" + node);
        t.setDaemon(true);
        t.start();
    }

    private void run() {
        try {
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            for (Item i : items) {
                copy(i, buf);
            }
            finish(true, String.format("copied %d bytes from %s in %.1f ms (%s)", done.get(), source,
                    (System.nanoTime() - startedNanos) / 1e6, plan()));
        } catch (IOException | RuntimeException e) {
            finish(false, "copy failed after " + done.get() + " of " + total + " bytes: " + e.getMessage());
        }
    }

    private void copy(Item i, ByteBuffer buf) throws IOException {
        try (NbdClient c = NbdClient.open(source, i.export(), Duration.ofSeconds(10))) {
            if (c.size() != i.target().size()) {
                throw new IOException(i.export() + ": source is " + c.size() + " bytes, volume " + i.target().size());
            }
            for (ByteRange r : i.ranges()) {
                for (long off = r.offset(); off < r.end(); off += CHUNK) {
                    int n = (int) Math.min(CHUNK, r.end() - off);
                    try {
                        throttle.acquire(n);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while held to the resync cap", e);
                    }
                    buf.clear().limit(n);
                    c.read(off, buf);
                    buf.flip();
                    i.target().write(off, buf);
                    done.addAndGet(n);
                }
            }
        }
        if (i.adopt() != null) {
            i.target().adopt(i.adopt());
        } else {
            i.target().flush();
        }
    }

    private void finish(boolean success, String text) {
        ok = success;
        message = text;
        if (success) {
            LOG.warn("{}: failback copy: {}", node, text);
        } else {
            LOG.error("{}: failback copy: {}", node, text);
        }
        try {
            ended.ended(success, text);
        } finally {
            running = false;
        }
    }

    boolean running() {
        return running;
    }

    /** Progress for the standby's poll. */
    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", running);
        m.put("ok", ok);
        m.put("message", message);
        m.put("bytesDone", done.get());
        m.put("bytesTotal", total);
        return m;
    }
}
