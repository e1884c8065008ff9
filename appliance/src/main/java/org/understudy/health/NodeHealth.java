package org.understudy.health;

/** The detector's verdict on one watched node. */
public enum NodeHealth {
    /** Every path up. */
    UP,
    /** Some path down, at least one up. */
    DEGRADED,
    /** Every path silent; the confirming probe is running. */
    SUSPECT,
    /** Every path silent, but the probe found the service alive; probed again periodically. */
    ANSWERING_PROBE,
    /** Every path silent and the probe failed. */
    FAILED
}
