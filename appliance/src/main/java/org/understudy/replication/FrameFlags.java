package org.understudy.replication;

/** Bits of a frame's flags byte. Constants only. */
public final class FrameFlags {
    /** WRITE/ZERO: the data must be durable on the standby before this frame is acknowledged. */
    public static final int FUA = 1;
    /** ACK: everything up to the acknowledged sequence number is also durable (forced), not only applied. */
    public static final int DURABLE = 2;
    /** WELCOME: the replica is consistent (a state its volume passed through). */
    public static final int REPLICA_CONSISTENT = 4;
    /** WELCOME: the replica file was just created and is all zeros (sparse), so all-zero chunks need not travel. */
    public static final int REPLICA_FRESH = 8;

    private FrameFlags() {
    }
}
