package org.understudy.jmx;

import java.util.Date;

/** One health path between the standby and a primary. */
@Description("One independent health path between the standby and a primary (replication link, production network, "
        + "probe). One path down is an alarm, never a failover. Sends an AttributeChangeNotification when State changes.")
public interface PathMXBean {
    @Description("The primary this path concerns.")
    String getPrimary();

    @Description("The node watched over this path (a primary on the standby, the standby on a primary).")
    String getNode();

    @Description("The path's configured id, e.g. link or production.")
    String getName();

    @Description("What the path runs over: REPLICATION_LINK, PRODUCTION, PROBE or OTHER.")
    String getKind();

    @Description("UP when the path shows signs of life, DOWN when silent past its timeout.")
    String getState();

    @Description("When the path last changed state.")
    Date getSince();

    @Description("Milliseconds since the last valid traffic on this path (point-in-time figure); when never heard "
            + "since this node started, the time since it started.")
    long getSilentForMillis();

    @Description("Valid heartbeats received on this path since the node started.")
    long getValidHeartbeats();

    @Description("Heartbeats ignored as replays (sequence number not newer).")
    long getReplayedHeartbeats();

    @Description("Heartbeats ignored because their MAC was wrong (forged or wrong cluster key).")
    long getForgedHeartbeats();

    @Description("Messages on this path that could not be decoded.")
    long getMalformedMessages();
}
