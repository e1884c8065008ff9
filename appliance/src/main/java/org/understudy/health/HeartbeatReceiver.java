package org.understudy.health;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.security.AuthFailures;
import org.understudy.transport.DatagramTransport;

/**
 * Receives heartbeats on one path's transport: decodes and authenticates them, refuses replays, and reports each
 * valid one to the detector as life on this path. Rejected messages are counted here per reason (the path's
 * totals) and, when they name a watched node, on that node's path too. Warnings are logged at 1, 2, 4, 8... rejects
 * so a flood cannot flood the log. Thread-safe.
 */
public final class HeartbeatReceiver {
    private static final Logger LOG = LogManager.getLogger(HeartbeatReceiver.class);

    private final String self;
    private final String pathId;
    private final HeartbeatCodec codec;
    private final ReplayGuard guard = new ReplayGuard();
    private final HealthDetector detector;
    private final LongAdder valid = new LongAdder();
    private final LongAdder replayed = new LongAdder();
    private final LongAdder forged = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder unknown = new LongAdder();
    private final AuthFailures authFailures;

    /** Attaches itself as the receiver of {@code transport}; forged heartbeats are only counted. */
    public HeartbeatReceiver(String self, String pathId, DatagramTransport transport, HeartbeatCodec codec,
                             HealthDetector detector) {
        this(self, pathId, transport, codec, detector, AuthFailures.NONE);
    }

    /**
     * Attaches itself as the receiver of {@code transport}; every heartbeat whose HMAC does not verify also goes to
     * {@code authFailures} (aggregated there, so a flood costs a row a minute).
     */
    public HeartbeatReceiver(String self, String pathId, DatagramTransport transport, HeartbeatCodec codec,
                             HealthDetector detector, AuthFailures authFailures) {
        this.self = self;
        this.pathId = pathId;
        this.codec = codec;
        this.detector = detector;
        this.authFailures = authFailures;
        transport.receiver(this::receive);
    }

    /** Handles one message from {@code from}; public so other transports (a TCP link) can feed heartbeats in. */
    public void receive(InetSocketAddress from, byte[] message) {
        switch (codec.decode(message)) {
            case HeartbeatCodec.Decoded.Valid(Heartbeat hb) -> {
                if (!hb.path().equals(pathId)) {
                    malformed.increment();
                    warn(malformed, () -> "heartbeat from " + from + " names path " + hb.path() + " but arrived on " + pathId);
                    detector.rejected(hb.sender(), pathId, HealthDetector.Rejection.MALFORMED);
                } else if (!detector.watches(hb.sender(), pathId)) {
                    unknown.increment();
                    warn(unknown, () -> "heartbeat from unwatched node " + hb.sender() + " at " + from + " ignored");
                } else if (!guard.accept(hb)) {
                    replayed.increment();
                    warn(replayed, () -> "replayed heartbeat from " + hb.sender() + " (boot " + Long.toHexString(hb.bootId())
                            + ", seq " + hb.sequence() + ") ignored");
                    detector.rejected(hb.sender(), pathId, HealthDetector.Rejection.REPLAYED);
                } else {
                    valid.increment();
                    detector.heardOn(hb.sender(), pathId);
                }
            }
            case HeartbeatCodec.Decoded.Rejected r -> {
                LongAdder counter = r.reason() == HeartbeatCodec.Reason.BAD_MAC ? forged : malformed;
                counter.increment();
                if (r.reason() == HeartbeatCodec.Reason.BAD_MAC) {
                    authFailures.record(new AuthFailure(AuthFace.HEARTBEAT, from.getAddress() == null
                            ? from.getHostString() : from.getAddress().getHostAddress(), r.claimedSender(),
                            "bad HMAC on path " + pathId));
                }
                warn(counter, () -> r.reason() + " heartbeat from " + from + " ignored: " + r.detail());
                if (r.claimedSender() != null) {
                    detector.rejected(r.claimedSender(), pathId, r.reason() == HeartbeatCodec.Reason.BAD_MAC
                            ? HealthDetector.Rejection.FORGED : HealthDetector.Rejection.MALFORMED);
                }
            }
        }
    }

    private void warn(LongAdder counter, java.util.function.Supplier<String> text) {
        long n = counter.sum();
        if (Long.bitCount(n) == 1) {
            LOG.warn("{}: path {}: {} ({} so far)", self, pathId, text.get(), n);
        }
    }

    /** Every count of this receiver, for the node's model. */
    public org.understudy.model.HeartbeatTotals totals() {
        return new org.understudy.model.HeartbeatTotals(valid.sum(), replayed.sum(), forged.sum(), malformed.sum(),
                unknown.sum());
    }

    public long valid() {
        return valid.sum();
    }

    public long replayed() {
        return replayed.sum();
    }

    public long forged() {
        return forged.sum();
    }

    public long malformed() {
        return malformed.sum();
    }

    /** Valid heartbeats from nodes this detector does not watch. */
    public long unknown() {
        return unknown.sum();
    }
}
