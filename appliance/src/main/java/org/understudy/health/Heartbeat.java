package org.understudy.health;

/**
 * One heartbeat as sent on one path.
 *
 * @param sender         node name of the sender
 * @param bootId         random per process start of the sender; sequence numbers restart with it
 * @param sequence       per sender, boot and path; strictly increasing
 * @param sendTimeMillis sender's wall clock at send (for logs only; never used for timeouts)
 * @param path           id of the path it was sent on
 */
public record Heartbeat(String sender, long bootId, long sequence, long sendTimeMillis, String path) {
}
