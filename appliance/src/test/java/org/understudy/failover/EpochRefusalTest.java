package org.understudy.failover;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.understudy.model.PrimaryState;

class EpochRefusalTest {

    @Test
    void syncingPrimaryAtOlderEpoch_fenced_causeNamesBothEpochs() {
        var d = EpochRefusal.decide("p1", "vol0", PrimaryState.SYNCING, -1, 1, 2);
        String cause = assertInstanceOf(EpochRefusal.Fence.class, d).cause();
        assertTrue(cause.contains("primary epoch 1 is older than the replica's epoch 2"), cause);
        assertTrue(cause.contains("fence-clear hands it epoch 2"), cause);
    }

    @Test
    void everyWatchingState_fences() {
        for (PrimaryState s : new PrimaryState[] {PrimaryState.PROTECTED, PrimaryState.DEGRADED, PrimaryState.SUSPECT,
                PrimaryState.FAILED}) {
            assertInstanceOf(EpochRefusal.Fence.class, EpochRefusal.decide("p1", "vol0", s, -1, 0, 1), s.name());
        }
    }

    @Test
    void standingInOrAlreadyFenced_ignored() {
        for (PrimaryState s : new PrimaryState[] {PrimaryState.STANDING_IN, PrimaryState.FAILING_OVER,
                PrimaryState.FAILING_BACK, PrimaryState.FENCED, PrimaryState.SPLIT_BRAIN}) {
            assertInstanceOf(EpochRefusal.Ignore.class, EpochRefusal.decide("p1", "vol0", s, -1, 0, 1), s.name());
        }
    }

    @Test
    void refusalWithinGraceOfHandingTheEpoch_ignored_afterGrace_fenced() {
        long justBefore = EpochRefusal.GRACE.minusMillis(1).toNanos();
        assertInstanceOf(EpochRefusal.Ignore.class,
                EpochRefusal.decide("p1", "vol0", PrimaryState.SYNCING, justBefore, 1, 2));
        assertInstanceOf(EpochRefusal.Fence.class,
                EpochRefusal.decide("p1", "vol0", PrimaryState.SYNCING, EpochRefusal.GRACE.toNanos(), 1, 2));
    }

    @Test
    void primaryNotOlder_ignored() {
        assertInstanceOf(EpochRefusal.Ignore.class,
                EpochRefusal.decide("p1", "vol0", PrimaryState.SYNCING, -1, 2, 2));
        assertInstanceOf(EpochRefusal.Ignore.class,
                EpochRefusal.decide("p1", "vol0", PrimaryState.SYNCING, Duration.ofMinutes(1).toNanos(), 3, 2));
    }
}
