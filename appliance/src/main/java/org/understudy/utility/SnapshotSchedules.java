package org.understudy.utility;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.SnapshotConfig;
import org.understudy.model.AlarmKind;
import org.understudy.model.SnapshotKind;
import org.understudy.snapshot.SnapshotInfo;
import org.understudy.snapshot.SnapshotStore;

/**
 * The standby's snapshot housekeeping, run every few seconds ({@link #tick}): takes each primary's scheduled
 * snapshots when a schedule's boundary passed (an hourly one on the hour; one boundary missed while the standby was
 * down is made up once), keeps the newest {@code keep} of each schedule (a snapshot of several schedules goes when
 * the last one lets it go), deletes what expired (pre-resync snapshots after their keep time), and clears the space
 * alarm once a primary's snapshots are well below their limit again. Not thread-safe: one housekeeping thread.
 */
public final class SnapshotSchedules {
    private static final Logger LOG = LogManager.getLogger(SnapshotSchedules.class);
    private final SnapshotService service;
    /** The last boundary each primary's schedule was taken for, by "primary/schedule". */
    private final Map<String, Instant> lastBoundary = new HashMap<>();

    public SnapshotSchedules(SnapshotService service) {
        this.service = service;
    }

    /** One round of housekeeping over every primary; a failure with one primary never stops the others. */
    public void tick() {
        Instant now = service.wall().instant();
        for (PrimaryConfig p : service.cluster().primaries()) {
            try {
                scheduled(p.name(), now);
                retain(p.name());
                expire(p.name(), now);
                spaceAlarm(p.name());
            } catch (RuntimeException e) {
                LOG.error("snapshots of {}: housekeeping failed: {}", p.name(), e.toString(), e);
            }
        }
    }

    private void scheduled(String primary, Instant now) {
        SnapshotConfig.Policy policy = service.cluster().snapshots().policy(primary);
        List<String> due = new ArrayList<>();
        for (SnapshotConfig.Schedule s : policy.schedules()) {
            Instant boundary = boundary(now, s.every());
            Instant last = lastBoundary.computeIfAbsent(primary + "/" + s.name(), k -> newest(primary, s.name()));
            if (last == null || last.isBefore(boundary)) {
                due.add(s.name());
            }
        }
        if (due.isEmpty()) {
            return;
        }
        if (!service.consistent(primary)) {
            return; // a replica is being resynced: the snapshot is taken once it is consistent again
        }
        try {
            SnapshotInfo i = service.create(primary, null, null, SnapshotKind.SCHEDULED, due, "schedule " + due);
            due.forEach(n -> lastBoundary.put(primary + "/" + n, i.created()));
        } catch (SnapshotRefused | IOException e) {
            // tried again at the next tick: a resync or an unreachable primary usually passes
            for (String n : due) {
                lastBoundary.remove(primary + "/" + n);
            }
            LOG.warn("snapshots of {}: scheduled snapshot ({}) not taken: {}", primary, due, e.getMessage());
            service.alarms().raise(AlarmKind.SNAPSHOT_FAILED, primary, "scheduled snapshot " + due + " not taken: "
                    + e.getMessage());
        }
    }

    /** The start of the current period of {@code every}, counted from the epoch (an hourly one: the hour). */
    static Instant boundary(Instant now, Duration every) {
        long e = every.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), e) * e);
    }

    private Instant newest(String primary, String schedule) {
        return service.list(primary).stream().filter(i -> i.labels().contains(schedule))
                .map(SnapshotInfo::created).max(Comparator.naturalOrder()).orElse(null);
    }

    private void retain(String primary) {
        SnapshotStore store = service.store(primary);
        for (SnapshotConfig.Schedule s : service.cluster().snapshots().policy(primary).schedules()) {
            List<SnapshotInfo> mine = store.list().stream().filter(i -> i.complete() && i.labels().contains(s.name()))
                    .sorted(Comparator.comparing(SnapshotInfo::created).reversed()).toList();
            for (SnapshotInfo old : mine.subList(Math.min(s.keep(), mine.size()), mine.size())) {
                List<String> labels = new ArrayList<>(old.labels());
                labels.remove(s.name());
                String why = "retention of schedule " + s.name() + ": only the newest " + s.keep() + " are kept";
                try {
                    if (labels.isEmpty() && old.kind() == SnapshotKind.SCHEDULED) {
                        service.remove(old, null, why);
                        LOG.info("snapshots of {}: {} expired ({})", primary, old.name(), why);
                    } else {
                        store.update(old.id(), labels, old.expires(), old.held());
                    }
                } catch (IOException e) {
                    LOG.error("snapshots of {}: cannot expire {}: {}", primary, old.name(), e.toString());
                }
            }
        }
    }

    private void expire(String primary, Instant now) {
        for (SnapshotInfo i : service.list(primary)) {
            if (i.complete() && !i.held() && i.expires() != null && !i.expires().isAfter(now)) {
                try {
                    service.remove(i, null, "expired at " + i.expires());
                } catch (IOException e) {
                    LOG.error("snapshots of {}: cannot expire {}: {}", primary, i.name(), e.toString());
                }
            }
        }
    }

    private void spaceAlarm(String primary) {
        SnapshotStore s = service.store(primary);
        if (s.diskShort()) {
            return; // a full disk made it drop snapshots, and it has not a tenth free yet
        }
        if (s.spaceLimit() <= 0 || s.usedBytes() < s.spaceLimit() * 8 / 10) {
            service.alarms().clear(AlarmKind.SNAPSHOT_SPACE, primary, "snapshots take " + s.usedBytes()
                    + " bytes, below 80% of the limit of " + s.spaceLimit());
        }
    }
}
