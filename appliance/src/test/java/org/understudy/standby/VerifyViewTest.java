package org.understudy.standby;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.admin.Json;
import org.understudy.config.MirrorMode;
import org.understudy.model.MirrorState;
import org.understudy.model.VerifySummary;
import org.understudy.model.VolumeSnapshot;

/** Regression: usVolumeLastVerified read never and JMX LastVerify was empty on the standby while p1 had them. */
class VerifyViewTest {
    private static VolumeSnapshot replica(String primary, String name) {
        return new VolumeSnapshot(primary, name, 1 << 20, MirrorMode.SYNC, MirrorState.IN_SYNC, 100, 0, 0, null);
    }

    @Test
    void primarysStatus_lastVerifyShownOnTheReplicaRow_othersUntouched() throws Exception {
        VerifyView view = new VerifyView();
        VerifySummary v = new VerifySummary(Instant.parse("2026-12-06T05:00:00Z"), 1024, 2, "2 of 1024 regions differed");
        String status = Json.write(java.util.Map.of("volumes", List.of(replica("p1", "vol0").withLastVerify(v),
                replica("p1", "vol1"), replica("p2", "vol0").withLastVerify(v))));
        view.observed("p1", Json.mapper().readTree(status).path("volumes"));

        List<VolumeSnapshot> shown = view.apply(List.of(replica("p1", "vol0"), replica("p1", "vol1"), replica("p2", "vol0")));
        assertEquals(v, shown.get(0).lastVerify());
        assertFalse(shown.get(1).lastVerify().ran(), "no verify ran on p1/vol1");
        assertFalse(shown.get(2).lastVerify().ran(), "only p1's own rows are taken from p1's status");
    }
}
