package org.understudy.cli;

import java.time.Duration;
import java.util.Locale;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.NodeSnapshot;
import org.understudy.model.VolumeSnapshot;

/** Renders a {@link ClusterSnapshot} as the human-readable summary of {@code understudy status}. Stateless. */
public final class StatusFormatter {
    private StatusFormatter() {
    }

    public static String format(ClusterSnapshot s) {
        StringBuilder sb = new StringBuilder();
        NodeSnapshot n = s.node();
        sb.append("cluster  ").append(s.cluster()).append('\n');
        if (n != null) {
            sb.append("node     ").append(n.name()).append(" (").append(lower(n.role())).append(")\n");
            sb.append("version  ").append(n.version()).append('\n');
            sb.append("pid      ").append(n.pid()).append('\n');
            if (n.startedAt() != null && s.takenAt() != null) {
                sb.append("uptime   ").append(duration(Duration.between(n.startedAt(), s.takenAt())))
                        .append(" (since ").append(n.startedAt()).append(")\n");
            }
            if (n.lifecycle() != null) {
                sb.append("serving  ").append(n.lifecycle().state()).append(" since ").append(n.lifecycle().since())
                        .append(": ").append(n.lifecycle().cause()).append('\n');
            }
            var h = n.heartbeats();
            sb.append(String.format(Locale.ROOT, "heartbeats  %d valid; refused %d malformed, %d forged, %d replayed; "
                    + "%d from unwatched nodes%n", h.valid(), h.malformed(), h.forged(), h.replayed(), h.fromUnwatched()));
        }
        sb.append('\n');
        if (!s.primaries().isEmpty()) {
            // the standby's view of every primary, or a primary's own state (FENCED says why it does not serve)
            TextTable t = new TextTable("PRIMARY", "STATE", "PATHS", "CAPS", "CAUSE");
            for (org.understudy.model.PrimarySnapshot p : s.primaries()) {
                String paths = p.paths().stream().map(x -> x.path() + " " + lower(x.state()))
                        .collect(java.util.stream.Collectors.joining(", "));
                t.row(p.name(), p.state(), paths.isEmpty() ? "-" : paths, caps(p.caps()), p.cause());
            }
            sb.append(t.render()).append('\n');
            sb.append(detection(s.primaries()));
        }
        if (s.volumes().isEmpty()) {
            sb.append("no volumes\n");
        } else {
            TextTable t = new TextTable("PRIMARY", "VOLUME", "SIZE", "MODE", "STATE", "SYNC", "REPLICATED", "P99 WRITE",
                    "DIRTY", "BACKLOG", "GENERATION");
            StringBuilder notes = new StringBuilder();
            for (VolumeSnapshot v : s.volumes()) {
                t.row(v.primary(), v.name(), bytes(v.size()), lower(v.mode()), v.state(),
                        String.format(Locale.ROOT, "%.1f%%", v.syncPercent()), bytes(v.bytesReplicated()),
                        v.writeLatency() == null || v.writeLatency().count() == 0 ? "-" : micros(v.writeLatency().p99Micros()),
                        bytes(v.dirtyBytesOrEstimate()), bytes(v.backlogBytes()),
                        v.generation().isEmpty() ? "-" : v.generation());
                if (v.resyncTotalBytes() > 0) {
                    notes.append(String.format(Locale.ROOT, "%s/%s resync: %s of %s at %.1f MB/s%n", v.primary(), v.name(),
                            bytes(v.resyncDoneBytes()), bytes(v.resyncTotalBytes()), v.resyncRate() / 1e6));
                }
                if (v.lastVerify().ran()) {
                    notes.append(v.primary()).append('/').append(v.name()).append(" last verify: ").append(v.lastVerify())
                            .append('\n');
                }
            }
            sb.append(t.render());
            if (!notes.isEmpty()) {
                sb.append('\n').append(notes);
            }
        }
        sb.append('\n');
        if (s.links().isEmpty()) {
            sb.append("no replication links\n");
        } else {
            TextTable t = new TextTable("PEER", "VOLUME", "LINK", "SINCE", "DETAIL");
            for (LinkSnapshot l : s.links()) {
                String since = l.since() == null ? "" : l.since().toString();
                if (l.since() != null && s.takenAt() != null) {
                    since = duration(Duration.between(l.since(), s.takenAt())) + " ago";
                }
                t.row(l.peer(), l.volume(), l.state(), since, l.detail());
            }
            sb.append(t.render());
        }
        if (!s.snapshotSpace().isEmpty()) {
            // the standby's snapshots of each primary's replicas (understudy snapshot list P for each one)
            sb.append('\n');
            TextTable t = new TextTable("SNAPSHOTS OF", "COUNT", "SPACE USED", "LIMIT");
            for (org.understudy.model.SnapshotSpace x : s.snapshotSpace()) {
                t.row(x.primary(), x.snapshots(), bytes(x.usedBytes()), x.limitBytes() > 0 ? bytes(x.limitBytes()) : "-");
            }
            sb.append(t.render());
        }
        return sb.toString();
    }

    /**
     * Per primary, the figures its failure is detected with and how its last failover was detected:
     * {@code p1 detection  process-dead: ...; host-silent: ...} and {@code p1 last failover  failover (process-dead)
     * served 142 ms after the decision; process-dead in 312 ms: link-closed +0 ms (...); ...}.
     */
    static String detection(java.util.List<org.understudy.model.PrimarySnapshot> primaries) {
        StringBuilder sb = new StringBuilder();
        for (org.understudy.model.PrimarySnapshot p : primaries) {
            if (p.detection() != null) {
                sb.append(p.name()).append(" detection  ").append(p.detection().describe()).append('\n');
            }
            var t = p.lastFailover();
            if (t != null) {
                sb.append(p.name()).append(" last failover  ").append(t.kind())
                        .append(t.detection() == null ? "" : " (" + t.detection().path() + ")")
                        .append(t.completed() ? " served " : " stopped ").append(t.total().toMillis())
                        .append(" ms after the decision")
                        .append(t.detection() == null ? "" : "; " + t.detection().describe()).append('\n');
            }
        }
        return sb.isEmpty() ? "" : sb.append('\n').toString();
    }

    /** {@code mirror 20.0 MB/s, resync off}; {@code -} when neither traffic is capped. */
    static String caps(org.understudy.model.BandwidthCaps c) {
        if (c.mirror() == 0 && c.resync() == 0) {
            return "-";
        }
        return "mirror " + org.understudy.config.Rates.format(c.mirror()) + ", resync "
                + org.understudy.config.Rates.format(c.resync());
    }

    static String lower(Enum<?> e) {
        return e == null ? "-" : e.name().toLowerCase(Locale.ROOT);
    }

    /** Bytes in the largest binary unit that keeps the figure at least 1, e.g. {@code 64.0 MiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String micros(long us) {
        if (us < 1000) {
            return us + " us";
        }
        if (us < 1_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", us / 1000.0);
        }
        return String.format(Locale.ROOT, "%.2f s", us / 1_000_000.0);
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        long days = s / 86400;
        long h = s % 86400 / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        if (days > 0) {
            return String.format(Locale.ROOT, "%dd %02dh %02dm", days, h, m);
        }
        if (h > 0) {
            return String.format(Locale.ROOT, "%dh %02dm %02ds", h, m, sec);
        }
        return m > 0 ? String.format(Locale.ROOT, "%dm %02ds", m, sec) : sec + "s";
    }
}
