package org.understudy.mirror;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import org.understudy.config.Endpoint;
import org.understudy.replication.LinkSecurity;
import org.understudy.transport.StreamTransport;
import org.understudy.transport.TcpStreamTransport;

/**
 * Settings of a {@link MirroredVolume}. Immutable; build from {@link #defaults()} with the {@code with...} methods.
 *
 * @param ackTimeout       a frame not acknowledged within this time declares the link dead (the volume degrades)
 * @param reconnectInitial first delay before reconnecting after a failure; doubles up to {@code reconnectMax}
 * @param maxFrame         this side's proposal for the maximum payload per frame (the link uses the smaller of both)
 * @param syncChunk        bytes read and sent per full-sync step (at most the negotiated frame size)
 * @param syncWindow       full-sync chunks in flight at once
 * @param clock            monotonic nanoseconds, for timeouts and latencies
 * @param scheduler        timers (reconnect, ack watchdog); {@code null} = the volume owns a one-thread scheduler
 * @param standby          where to connect; {@code null} = the cluster file's {@code standby.replication}
 * @param transport        what links run over: TCP, or in tests an in-memory or faulty stream transport
 */
public record MirrorOptions(Duration ackTimeout, Duration connectTimeout, Duration reconnectInitial,
                            Duration reconnectMax, int maxFrame, int syncChunk, int syncWindow, LongSupplier clock,
                            Clock wallClock, ScheduledExecutorService scheduler, LinkSecurity security,
                            SecureRandom random, Endpoint standby, StreamTransport transport) {

    public static MirrorOptions defaults() {
        return new MirrorOptions(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(100),
                Duration.ofSeconds(5), 4 << 20, 1 << 20, 8, System::nanoTime, Clock.systemUTC(), null,
                LinkSecurity.PLAIN, new SecureRandom(), null, new TcpStreamTransport());
    }

    public MirrorOptions withAckTimeout(Duration d) {
        return new MirrorOptions(d, connectTimeout, reconnectInitial, reconnectMax, maxFrame, syncChunk, syncWindow,
                clock, wallClock, scheduler, security, random, standby, transport);
    }

    public MirrorOptions withReconnect(Duration initial, Duration max) {
        return new MirrorOptions(ackTimeout, connectTimeout, initial, max, maxFrame, syncChunk, syncWindow, clock,
                wallClock, scheduler, security, random, standby, transport);
    }

    public MirrorOptions withMaxFrame(int newMaxFrame) {
        return new MirrorOptions(ackTimeout, connectTimeout, reconnectInitial, reconnectMax, newMaxFrame, syncChunk,
                syncWindow, clock, wallClock, scheduler, security, random, standby, transport);
    }

    public MirrorOptions withSync(int chunk, int window) {
        return new MirrorOptions(ackTimeout, connectTimeout, reconnectInitial, reconnectMax, maxFrame, chunk, window,
                clock, wallClock, scheduler, security, random, standby, transport);
    }

    public MirrorOptions withClock(LongSupplier newClock) {
        return new MirrorOptions(ackTimeout, connectTimeout, reconnectInitial, reconnectMax, maxFrame, syncChunk,
                syncWindow, newClock, wallClock, scheduler, security, random, standby, transport);
    }

    public MirrorOptions withScheduler(ScheduledExecutorService s) {
        return new MirrorOptions(ackTimeout, connectTimeout, reconnectInitial, reconnectMax, maxFrame, syncChunk,
                syncWindow, clock, wallClock, s, security, random, standby, transport);
    }

    public MirrorOptions withTransport(StreamTransport t) {
        return new MirrorOptions(ackTimeout, connectTimeout, reconnectInitial, reconnectMax, maxFrame, syncChunk,
                syncWindow, clock, wallClock, scheduler, security, random, standby, t);
    }

    public MirrorOptions withStandby(Endpoint e) {
        return new MirrorOptions(ackTimeout, connectTimeout, reconnectInitial, reconnectMax, maxFrame, syncChunk,
                syncWindow, clock, wallClock, scheduler, security, random, e, transport);
    }
}
