package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code mirror:} block (cluster level or a volume's override) on top of inherited settings, reporting every
 * problem through the {@link TreeReader}. Stateless.
 */
final class MirrorBlock {
    private static final Set<String> ASYNC = Set.of("highWater", "hardLimit");
    private static final Set<String> THROTTLE = Set.of("mirror", "resync", "force");

    private MirrorBlock() {
    }

    /** The settings, or null after reporting a problem. */
    static MirrorSettings read(TreeReader r, JsonNode node, String path, MirrorSettings inherited, Set<String> keys) {
        ObjectNode m = r.object(node, path, true);
        if (m == null) {
            return null;
        }
        r.onlyKeys(m, path, keys);
        int problems = r.problems().size();
        int regionSize = inherited.regionSize();
        if (m.hasNonNull("regionSize")) {
            long n = r.size(m, path, "regionSize");
            if (n >= 0 && (n < 4096 || n > (16 << 20) || Long.bitCount(n) != 1)) {
                r.problem(TreeReader.join(path, "regionSize"), n + " bytes is not a power of two between 4KiB and 16MiB");
            }
            regionSize = (int) Math.max(0, Math.min(n, 1 << 30));
        }
        long high = inherited.asyncHighWater();
        long hard = inherited.asyncHardLimit();
        if (m.hasNonNull("async")) {
            String ap = TreeReader.join(path, "async");
            ObjectNode a = r.object(m.get("async"), ap, true);
            if (a != null) {
                r.onlyKeys(a, ap, ASYNC);
                high = a.hasNonNull("highWater") ? r.size(a, ap, "highWater") : high;
                hard = a.hasNonNull("hardLimit") ? r.size(a, ap, "hardLimit") : hard;
                if (high == 0 || (high > 0 && hard >= 0 && hard < high)) {
                    r.problem(ap, "highWater must be positive and at most hardLimit (" + high + " / " + hard + ")");
                }
            }
        }
        long mirrorRate = inherited.mirrorRate();
        long resyncRate = inherited.resyncRate();
        if (m.hasNonNull("throttle")) {
            String tp = TreeReader.join(path, "throttle");
            ObjectNode t = r.object(m.get("throttle"), tp, true);
            if (t != null) {
                r.onlyKeys(t, tp, THROTTLE);
                mirrorRate = rate(r, t, tp, "mirror", mirrorRate);
                resyncRate = rate(r, t, tp, "resync", resyncRate);
                if (t.has("force") && !t.get("force").isBoolean()) {
                    r.problem(TreeReader.join(tp, "force"), "must be true or false");
                }
            }
        }
        boolean readBlocker = inherited.readBlocker();
        if (m.has("readBlocker")) {
            JsonNode b = m.get("readBlocker");
            if (!b.isBoolean()) {
                r.problem(TreeReader.join(path, "readBlocker"), "must be true or false");
            } else {
                readBlocker = b.asBoolean();
            }
        }
        if (r.problems().size() > problems) {
            return null;
        }
        return new MirrorSettings(regionSize, high, hard, mirrorRate, resyncRate, readBlocker);
    }

    /**
     * A mirror cap below {@link Rates#SYNC_MIRROR_FLOOR} in the cluster-level {@code mirror.throttle} while a volume
     * is in sync mode: a problem unless {@code throttle.force: true}, as the throttle command refuses it unless forced.
     */
    static void checkSyncFloor(TreeReader r, JsonNode mirror, MirrorSettings settings, List<PrimaryConfig> primaries) {
        long rate = settings.mirrorRate();
        if (mirror == null || rate <= 0 || rate >= Rates.SYNC_MIRROR_FLOOR
                || mirror.path("throttle").path("force").asBoolean(false)) {
            return;
        }
        List<String> sync = primaries.stream().flatMap(p -> p.volumes().stream()
                .filter(v -> v.mode() == MirrorMode.SYNC).map(v -> p.name() + "/" + v.name())).toList();
        if (!sync.isEmpty()) {
            r.problem("mirror.throttle.mirror", Rates.format(rate) + " (" + Rates.bytes(rate) + ") is below the "
                    + Rates.format(Rates.SYNC_MIRROR_FLOOR) + " floor for sync-mode volumes (" + String.join(", ", sync)
                    + "): every write to them would wait for it; raise it, or set mirror.throttle.force: true");
        }
    }

    private static long rate(TreeReader r, ObjectNode t, String path, String key, long fallback) {
        if (!t.hasNonNull(key)) {
            return fallback;
        }
        String s = r.text(t, path, key, null);
        if (s == null) {
            return -1;
        }
        try {
            return Rates.parse(s);
        } catch (IllegalArgumentException e) {
            r.problem(TreeReader.join(path, key), e.getMessage());
            return -1;
        }
    }
}
