package org.understudy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.admin.Snapshots;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmKind;
import org.understudy.model.AlarmSeverity;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.PrimarySnapshot;
import org.understudy.model.PrimaryState;

/** {@code understudy check}'s verdicts by the Nagios conventions (regression: status exited 0 with a primary FAILED). */
class CheckVerdictTest {
    private static final Instant T = Instant.parse("2026-11-21T11:00:00Z");

    private static ClusterSnapshot with(List<PrimarySnapshot> primaries, List<Alarm> alarms) {
        ClusterSnapshot s = Snapshots.standby();
        return new ClusterSnapshot(s.cluster(), s.node(), primaries, s.volumes().subList(0, 1), s.links(), s.paths(),
                alarms, s.failover(), s.takenAt());
    }

    private static PrimarySnapshot primary(String name, PrimaryState state) {
        return new PrimarySnapshot(name, state, "because", T, List.of(), null);
    }

    @Test
    void allProtected_isOk_withPerfdata() {
        CheckVerdict v = CheckVerdict.of(with(List.of(primary("p1", PrimaryState.PROTECTED)), List.of()), null);
        assertEquals(0, v.code());
        String out = v.render();
        assertTrue(out.startsWith("UNDERSTUDY OK - 1 of 1 primaries protected, 1 of 1 volumes in sync | primaries=1;;;0 "),
                out);
        assertTrue(out.contains("'p1/vol0 sync'=100.0%;100:;;0;100"), out);
        assertTrue(out.contains("'p1/vol0 write p99'=0.000850s;;;0"), out);
    }

    @Test
    void failedPrimary_isCritical() {
        CheckVerdict v = CheckVerdict.of(with(List.of(primary("p1", PrimaryState.FAILED),
                primary("p2", PrimaryState.STANDING_IN)), List.of()), null);
        assertEquals(2, v.code());
        assertTrue(v.render().startsWith("UNDERSTUDY CRITICAL - p1 FAILED: because (and 1 more) | "), v.render());
        assertTrue(v.render().contains("\np2 STANDING_IN: because"), v.render());
    }

    @Test
    void standingInOrMinorAlarm_isWarning_andAPrimaryIsJudgedAlone() {
        Alarm minor = new Alarm(1, AlarmKind.PATH_DOWN, "p2/path/production", AlarmSeverity.MINOR, "silent 3 s", T, T);
        ClusterSnapshot s = with(List.of(primary("p1", PrimaryState.PROTECTED), primary("p2", PrimaryState.STANDING_IN)),
                List.of(minor));
        assertEquals(1, CheckVerdict.of(s, null).code());
        assertEquals(0, CheckVerdict.of(s, "p1").code(), CheckVerdict.of(s, "p1").render());
        assertEquals(1, CheckVerdict.of(s, "p2").code());
        assertEquals(3, CheckVerdict.of(s, "p9").code(), "UNKNOWN for a primary the status does not know");
    }

    @Test
    void criticalAlarm_isCritical() {
        Alarm split = new Alarm(2, AlarmKind.SPLIT_BRAIN, "p1/vol0", AlarmSeverity.CRITICAL, "both wrote", T, T);
        CheckVerdict v = CheckVerdict.of(with(List.of(primary("p1", PrimaryState.PROTECTED)), List.of(split)), null);
        assertEquals(2, v.code());
        assertTrue(v.summary().contains("critical alarm SPLIT_BRAIN on p1/vol0: both wrote"), v.summary());
    }
}
