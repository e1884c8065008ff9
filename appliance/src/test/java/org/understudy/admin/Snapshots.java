package org.understudy.admin;

import java.time.Instant;
import java.util.List;
import org.understudy.config.MirrorMode;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.LatencySummary;
import org.understudy.model.LinkSnapshot;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;
import org.understudy.model.NodeSnapshot;
import org.understudy.model.Role;
import org.understudy.model.VolumeSnapshot;

/** A fixed snapshot for admin API and CLI tests. */
public final class Snapshots {
    public static final Instant STARTED = Instant.parse("2026-11-21T10:00:00Z");
    public static final Instant TAKEN = Instant.parse("2026-11-21T11:02:03.500Z");

    private Snapshots() {
    }

    public static ClusterSnapshot standby() {
        return new ClusterSnapshot("demo", new NodeSnapshot("standby", Role.STANDBY, "0.1.0-test", 4242, STARTED), List.of(),
                List.of(new VolumeSnapshot("p1", "vol0", 64L << 20, MirrorMode.SYNC, MirrorState.IN_SYNC, 100.0,
                                12L << 20, 3072, new LatencySummary(3072, 410, 850, 2100, 4000)),
                        new VolumeSnapshot("p2", "data", 1L << 30, MirrorMode.ASYNC, MirrorState.SYNCING, 42.5,
                                0, 0, LatencySummary.EMPTY)),
                List.of(new LinkSnapshot("p1", "vol0", LinkState.UP, Instant.parse("2026-11-21T11:00:00Z"), "127.0.1.1:51234"),
                        new LinkSnapshot("p2", "data", LinkState.DOWN, Instant.parse("2026-11-21T11:01:03.500Z"), "connection reset")),
                List.of(), List.of(), org.understudy.model.FailoverSummary.NONE, TAKEN);
    }
}
