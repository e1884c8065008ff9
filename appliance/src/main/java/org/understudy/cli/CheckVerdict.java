package org.understudy.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.MirrorState;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;
import org.understudy.model.VolumeSnapshot;

/**
 * What {@code understudy check} makes of a node's status, by the Nagios plugin conventions: a code (0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN), one summary line, the problems one per line after it, and performance data
 * ({@code 'label'=value[UOM];warn;crit;min;max}) after a {@code |}.
 *
 * <p>CRITICAL: a critical alarm, or a primary whose service nobody provides ({@code FAILED}, {@code SPLIT_BRAIN},
 * {@code FENCED}). WARNING: any other alarm, a primary that is not {@code PROTECTED} (the standby standing in keeps
 * the service but not its protection), a volume that is not {@code IN_SYNC}. Pure; immutable.
 *
 * @param code     the plugin exit code
 * @param problems what is not OK, worst first
 */
record CheckVerdict(int code, String summary, List<String> problems, List<String> perfdata) {
    static final int OK = 0;
    static final int WARNING = 1;
    static final int CRITICAL = 2;
    static final int UNKNOWN = 3;
    private static final String[] NAMES = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

    /** A verdict for when no status could be had or read. */
    static CheckVerdict unknownOr(int code, String why) {
        return new CheckVerdict(code, why, List.of(), List.of());
    }

    /** Judges {@code s}, all of it or only what concerns {@code primary} (null: everything). */
    static CheckVerdict of(ClusterSnapshot s, String primary) {
        List<String> critical = new ArrayList<>();
        List<String> warning = new ArrayList<>();
        List<String> perf = new ArrayList<>();
        int primaries = 0;
        int protectedOnes = 0;
        for (PrimarySnapshot p : s.primaries()) {
            if (primary != null && !p.name().equals(primary)) {
                continue;
            }
            primaries++;
            PrimaryState st = p.state();
            if (st == PrimaryState.PROTECTED) {
                protectedOnes++;
            } else if (st == PrimaryState.FAILED || st == PrimaryState.SPLIT_BRAIN || st == PrimaryState.FENCED) {
                critical.add(p.name() + " " + st + cause(p.cause()));
            } else {
                warning.add(p.name() + " " + st + cause(p.cause()));
            }
        }
        int volumes = 0;
        int inSync = 0;
        for (VolumeSnapshot v : s.volumes()) {
            if (primary != null && !v.primary().equals(primary)) {
                continue;
            }
            volumes++;
            String id = v.primary() + "/" + v.name();
            if (v.state() == MirrorState.IN_SYNC) {
                inSync++;
            } else {
                warning.add(id + " " + v.state() + String.format(Locale.ROOT, " (%.1f%% in sync)", v.syncPercent()));
            }
            perf.add(String.format(Locale.ROOT, "'%s sync'=%.1f%%;100:;;0;100", id, v.syncPercent()));
            if (v.dirtyBytes() >= 0) {
                perf.add("'" + id + " dirty'=" + v.dirtyBytes() + "B;;;0;" + v.size());
            }
            perf.add("'" + id + " backlog'=" + v.backlogBytes() + "B;;;0");
            if (v.writeLatency() != null && v.writeLatency().count() > 0) {
                perf.add(String.format(Locale.ROOT, "'%s write p99'=%.6fs;;;0", id, v.writeLatency().p99Micros() / 1e6));
            }
        }
        int alarms = 0;
        for (Alarm a : s.alarms()) {
            if (primary != null && !a.resource().equals(primary) && !a.resource().startsWith(primary + "/")) {
                continue;
            }
            alarms++;
            String line = a.severity().name().toLowerCase(Locale.ROOT) + " alarm " + a.kind() + " on " + a.resource()
                    + cause(a.description());
            (a.severity() == AlarmSeverity.CRITICAL ? critical : warning).add(line);
        }
        if (primary != null && primaries == 0 && volumes == 0) {
            return unknownOr(UNKNOWN, "the node's status says nothing about " + primary);
        }
        List<String> head = new ArrayList<>();
        head.add(0, "primaries=" + primaries + ";;;0");
        head.add(1, "primaries_protected=" + protectedOnes + ";;;0;" + primaries);
        head.add(2, "volumes_in_sync=" + inSync + ";;;0;" + volumes);
        head.add(3, "alarms=" + alarms + ";;;0");
        head.addAll(perf);
        List<String> problems = new ArrayList<>(critical);
        problems.addAll(warning);
        int code = !critical.isEmpty() ? CRITICAL : !warning.isEmpty() ? WARNING : OK;
        String scope = primary == null ? "" : primary + ": ";
        String summary = code == OK
                ? scope + protectedOnes + " of " + primaries + " primaries protected, " + inSync + " of " + volumes
                        + " volumes in sync"
                : scope + problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
        return new CheckVerdict(code, summary, problems, head);
    }

    private static String cause(String text) {
        return text == null || text.isBlank() ? "" : ": " + text;
    }

    /** The plugin output: {@code UNDERSTUDY STATE - summary | perfdata}, then the problems one per line. */
    String render() {
        StringBuilder sb = new StringBuilder("UNDERSTUDY ").append(NAMES[code]).append(" - ").append(summary);
        if (!perfdata.isEmpty()) {
            sb.append(" | ").append(String.join(" ", perfdata));
        }
        sb.append(System.lineSeparator());
        if (problems.size() > 1) {
            problems.forEach(p -> sb.append(p).append(System.lineSeparator()));
        }
        return sb.toString();
    }
}
