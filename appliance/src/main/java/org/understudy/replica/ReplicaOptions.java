package org.understudy.replica;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.understudy.config.Endpoint;
import org.understudy.replication.FrameCodec;
import org.understudy.replication.LinkSecurity;
import org.understudy.transport.StreamTransport;
import org.understudy.transport.TcpStreamTransport;

/**
 * Settings of a {@link ReplicaServer}. Immutable.
 *
 * @param bind             where to listen; {@code null} means the cluster file's {@code standby.replication}
 * @param maxFrame         the standby's proposal for the maximum payload per frame
 * @param handshakeTimeout a connection that has not completed the handshake by then is closed
 * @param security         transport security seam (plain by default)
 * @param wallClock        wall time for metadata and link snapshots (what operators read)
 * @param transport        what links arrive over: TCP, or in tests an in-memory or faulty stream transport
 */
public record ReplicaOptions(Endpoint bind, int maxFrame, Duration handshakeTimeout, LinkSecurity security,
                             SecureRandom random, Clock wallClock, StreamTransport transport) {

    public static ReplicaOptions defaults() {
        return new ReplicaOptions(null, FrameCodec.MAX_FRAME, Duration.ofSeconds(10), LinkSecurity.PLAIN,
                new SecureRandom(), Clock.systemUTC(), new TcpStreamTransport());
    }

    public ReplicaOptions withBind(Endpoint newBind) {
        return new ReplicaOptions(newBind, maxFrame, handshakeTimeout, security, random, wallClock, transport);
    }

    public ReplicaOptions withMaxFrame(int newMaxFrame) {
        return new ReplicaOptions(bind, newMaxFrame, handshakeTimeout, security, random, wallClock, transport);
    }

    public ReplicaOptions withHandshakeTimeout(Duration timeout) {
        return new ReplicaOptions(bind, maxFrame, timeout, security, random, wallClock, transport);
    }

    public ReplicaOptions withTransport(StreamTransport t) {
        return new ReplicaOptions(bind, maxFrame, handshakeTimeout, security, random, wallClock, t);
    }
}
