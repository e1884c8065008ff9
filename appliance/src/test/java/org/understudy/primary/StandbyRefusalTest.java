package org.understudy.primary;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StandbyRefusalTest {

    @Test
    void olderEpochThanReplica_fences_causeNamesBothEpochs() {
        // regression: a primary whose fence record was lost learns it is fenced from the replica's refusal alone
        var d = StandbyRefusal.decide("standby refused: fenced: primary epoch 1 is older than the replica's epoch 2", 1);
        String cause = assertInstanceOf(StandbyRefusal.Fence.class, d).cause();
        assertTrue(cause.contains("replicas are at epoch 2"), cause);
        assertTrue(cause.contains("this primary holds epoch 1"), cause);
    }

    @Test
    void fencedByName_fences_causeNamesBothEpochs() {
        var d = StandbyRefusal.decide("standby refused: fenced at epoch 3 since 2026-01-01T00:00:00Z: takeover; the "
                + "standby holds newer data", 2);
        String cause = assertInstanceOf(StandbyRefusal.Fence.class, d).cause();
        assertTrue(cause.contains("fenced this primary at epoch 3"), cause);
        assertTrue(cause.contains("this primary holds epoch 2"), cause);
    }

    @Test
    void refusalAtAnEpochAlreadyHeld_isStale_notFenced() {
        assertInstanceOf(StandbyRefusal.Stale.class,
                StandbyRefusal.decide("standby refused: fenced: primary epoch 1 is older than the replica's epoch 2", 2));
        assertInstanceOf(StandbyRefusal.Stale.class,
                StandbyRefusal.decide("standby closed the link: fenced at epoch 2: frame seq 9 refused", 3));
    }

    @Test
    void otherRefusals_areNotAboutFencing() {
        assertInstanceOf(StandbyRefusal.Other.class,
                StandbyRefusal.decide("standby refused: volume size 1 does not match the configured 2", 0));
        assertInstanceOf(StandbyRefusal.Other.class, StandbyRefusal.decide("standby refused: ", 0));
    }
}
