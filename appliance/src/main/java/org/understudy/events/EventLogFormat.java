package org.understudy.events;

/**
 * How a node stores its event log in the state directory. The primary writes a few rows an hour and is queried
 * rarely, so it keeps them in a plain file and never loads Derby (about 1,000 classes, some 6 MiB of metaspace); the
 * standby, whose log is busier and which the faces query with filters over up to a million rows, keeps Derby's
 * indexes.
 */
public enum EventLogFormat {
    /** Apache Derby in {@code <stateDir>/events/} ({@link DerbyEventStore}). */
    DERBY,
    /** Length- and CRC-framed records appended to {@code <stateDir>/events.log} ({@link FileEventStore}). */
    FILE
}
