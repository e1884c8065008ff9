package org.understudy.mirror;

import java.util.concurrent.TimeUnit;
import org.understudy.replication.FrameCodec;

/**
 * Automatic communication configuration: the maximum frame size a primary proposes at the handshake, chosen from
 * the round trip its TCP connect took. A LAN link (well under a millisecond) gets the configured maximum, so large
 * writes travel in few frames; a slower link gets smaller frames, so one frame lost and resent, or one large write,
 * holds up less of the stream behind it (the seed's "automatic packet size"). The standby may lower it further.
 * Pure; thread-safe.
 */
final class FrameSizing {
    static final int MID = 1 << 20;
    static final int WAN = 256 * 1024;

    private FrameSizing() {
    }

    /** The proposal for a link whose connect took {@code rttNanos}, never above {@code configured}. */
    static int proposal(long rttNanos, int configured) {
        long micros = TimeUnit.NANOSECONDS.toMicros(rttNanos);
        int p = micros < 1_000 ? configured : micros < 20_000 ? MID : WAN;
        return Math.max(FrameCodec.MIN_FRAME, Math.min(configured, p));
    }
}
