package org.understudy.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.alarm.AlarmRegistry;
import org.understudy.model.AlarmKind;
import org.understudy.model.ModelEvent;
import org.understudy.transport.FakeClock;

class AutoSwitchStoreTest {
    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    @Test
    void record_thenLoad_roundTrip_keepsSwitchWhoAndWhen() throws Exception {
        AutoSwitchStore s = new AutoSwitchStore(dir, clock);
        s.record(false, "alice");
        AutoSwitchStore.Choice c = new AutoSwitchStore(dir, clock).load().orElseThrow();
        assertFalse(c.autoFailover());
        assertEquals("alice", c.by());
        assertEquals(clock.instant(), c.at());
        clock.advance(Duration.ofSeconds(5));
        s.record(true, "bob");
        c = s.load().orElseThrow();
        assertTrue(c.autoFailover());
        assertEquals("bob", c.by());
        assertFalse(Files.exists(dir.resolve(AutoSwitchStore.FILE + ".tmp")), "temporary file renamed away");
    }

    @Test
    void missingFile_noChoice_clusterFileValueUsed() {
        AutoSwitchStore s = new AutoSwitchStore(dir.resolve("never-written"), clock);
        assertTrue(s.load().isEmpty());
        AutoSwitchStore.Start start = s.resolve(true);
        assertTrue(start.autoFailover());
        assertTrue(start.origin().contains("cluster file's on"), start.origin());
    }

    @Test
    void brokenFile_noChoice_fallsBackToClusterFile_neverThrows() throws Exception {
        AutoSwitchStore s = new AutoSwitchStore(dir, clock);
        Files.writeString(s.file(), "autoFailover=perhaps\nby=x\n");
        assertTrue(s.load().isEmpty());
        assertTrue(s.resolve(true).autoFailover());
        assertFalse(s.resolve(false).autoFailover());
        Files.write(s.file(), new byte[] {(byte) 0xff, 0, '\\', 'u', 'z', 'z'});
        assertTrue(s.load().isEmpty());
        Files.delete(s.file());
        Files.createDirectory(s.file()); // unreadable as a file at all
        assertTrue(s.load().isEmpty());
        assertTrue(s.resolve(true).autoFailover());
    }

    @Test
    void operatorChoice_winsOverClusterFile_andOriginSaysSo() throws Exception {
        AutoSwitchStore s = new AutoSwitchStore(dir, clock);
        s.record(false, "carol");
        AutoSwitchStore.Start start = s.resolve(true);
        assertFalse(start.autoFailover());
        assertTrue(start.origin().contains("operator's last choice (off by carol"), start.origin());
        assertTrue(start.origin().contains("overriding the cluster file's on"), start.origin());
    }

    // regression: "understudy autoswitch off" was lost when the standby restarted (the switch lived in memory only)
    @Test
    void autoswitchOff_newEngineOverSameStateDir_startsInVaultMode_withAlarm() {
        AutoSwitchStore store = new AutoSwitchStore(dir, clock);
        FailoverEngine first = engine(store, new AlarmRegistry("standby", clock), new ArrayList<>());
        assertTrue(first.policy().autoFailover());
        assertTrue(first.commands().setAutoFailover(false, "erin").accepted());

        AlarmRegistry alarms = new AlarmRegistry("standby", clock);
        List<ModelEvent> events = new ArrayList<>();
        FailoverEngine second = engine(new AutoSwitchStore(dir, clock), alarms, events);
        assertFalse(second.policy().autoFailover(), "the operator's off survives the restart");
        assertTrue(alarms.isActive(AlarmKind.AUTOSWITCH_OFF, "standby"), "vault mode alarmed at start as at run time");
        assertTrue(alarms.active().stream().anyMatch(a -> a.description().contains("erin")),
                alarms.active().toString());

        assertTrue(second.commands().setAutoFailover(true, "erin").accepted());
        assertFalse(alarms.isActive(AlarmKind.AUTOSWITCH_OFF, "standby"));
        FailoverEngine third = engine(new AutoSwitchStore(dir, clock), new AlarmRegistry("standby", clock),
                new ArrayList<>());
        assertTrue(third.policy().autoFailover(), "switched back on, and that survives too");
    }

    @Test
    void recordFails_switchStillApplied_answerSaysNotSaved() {
        FailoverEngine e = new FailoverEngine("standby", clock, clock, Runnable::run, FailoverPolicy.DEFAULTS,
                "test", (on, who) -> {
                    throw new java.io.IOException("disk full");
                }, actions(), new AlarmRegistry("standby", clock), x -> { });
        CommandVerdict r = e.commands().setAutoFailover(false, "frank");
        assertTrue(r.accepted());
        assertTrue(r.message().contains("NOT saved: disk full"), r.message());
        assertFalse(e.policy().autoFailover());
    }

    private FailoverEngine engine(AutoSwitchStore store, AlarmRegistry alarms, List<ModelEvent> events) {
        AutoSwitchStore.Start start = store.resolve(true);
        return new FailoverEngine("standby", clock, clock, Runnable::run,
                FailoverPolicy.DEFAULTS.withAutoFailover(start.autoFailover()), start.origin(), store, actions(),
                alarms, events::add);
    }

    private FailoverEngine.Actions actions() {
        FakeSteps steps = new FakeSteps(clock, Duration.ofMillis(1));
        return new FailoverEngine.Actions(steps, steps, steps);
    }
}
