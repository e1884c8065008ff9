package org.understudy.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.understudy.replication.FrameType;

/**
 * Measures a live replication link the way an operator does before choosing sync or async mode: round trips of empty
 * sequenced frames, then throughput of discarded PROBE payloads (a window of frames in flight, bounded in bytes and
 * time). Runs alongside client writes on the same link. Stateless.
 */
final class LinkProbe {
    private static final int PINGS = 20;
    private static final long MAX_BYTES = 256L << 20;
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int WINDOW = 8;

    private LinkProbe() {
    }

    static LinkTestResult run(MirrorLink link, LongSupplier clock, long timeoutNanos) throws IOException {
        long min = Long.MAX_VALUE;
        long max = 0;
        long sum = 0;
        for (int i = 0; i < PINGS; i++) {
            long t0 = clock.getAsLong();
            await(link.enqueue(FrameType.KEEPALIVE, 0, 0, 0, null, false), link, timeoutNanos);
            long us = TimeUnit.NANOSECONDS.toMicros(clock.getAsLong() - t0);
            min = Math.min(min, us);
            max = Math.max(max, us);
            sum += us;
        }
        int frame = link.maxFrame();
        ByteBuffer payload = ByteBuffer.allocateDirect(frame);
        ArrayDeque<Outbound> inFlight = new ArrayDeque<>();
        long sent = 0;
        long t0 = clock.getAsLong();
        while (sent < MAX_BYTES && clock.getAsLong() - t0 < MAX_NANOS) {
            if (inFlight.size() >= WINDOW) {
                await(inFlight.pollFirst(), link, timeoutNanos);
            }
            inFlight.addLast(link.enqueue(FrameType.PROBE, 0, 0, 0, payload.duplicate(), false));
            link.pump();
            sent += frame;
        }
        while (!inFlight.isEmpty()) {
            await(inFlight.pollFirst(), link, timeoutNanos);
        }
        double secs = Math.max(1e-6, (clock.getAsLong() - t0) / 1e9);
        long avg = sum / PINGS;
        String advice = avg < 1000
                ? "round trip under 1 ms: synchronous mode costs little write latency"
                : avg < 10_000 ? "round trip " + avg / 1000.0 + " ms: synchronous mode adds that to every write; "
                + "async mode if writes must stay local-fast"
                : "round trip " + avg / 1000 + " ms: a WAN link, use async mode";
        return new LinkTestResult(min, avg, max, sent, sent / secs, frame, advice);
    }

    private static void await(Outbound o, MirrorLink link, long timeoutNanos) throws IOException {
        if (o == null) {
            throw new IOException("link lost during the link test: " + link.downReason());
        }
        link.pump();
        try {
            if (!o.done.get(timeoutNanos, TimeUnit.NANOSECONDS)) {
                throw new IOException("link lost during the link test: " + link.downReason());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("link test interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("no acknowledgement during the link test: " + e);
        }
    }
}
