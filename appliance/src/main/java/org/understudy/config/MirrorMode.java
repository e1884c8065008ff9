package org.understudy.config;

/** How a volume's writes reach its replica. */
public enum MirrorMode {
    /** A write is acknowledged only after the local write and the standby's acknowledgement (LAN). */
    SYNC,
    /** A write is acknowledged after the local write; the backlog to the standby is bounded (WAN). */
    ASYNC
}
