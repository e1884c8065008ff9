package org.understudy.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * How long a connection's reader keeps reading a non-blocking socket that had nothing before it sleeps on its
 * selector. A client at queue depth 1 sends its next request a few tens of microseconds after our reply; a reader
 * asleep by then is woken on another core, and on a virtual machine that wake-up costs more than the request itself
 * (unmirrored 4 KiB QD1, fio and the primary pinned to one core: 31,600 IOPS; to two: 9,100). Reading on for 50 us
 * catches that request without sleeping. bench/mirror.sh 6 on a quiet machine, 3 runs each, alternating (medians):
 * unmirrored 4 KiB QD1 16,442 against 9,133 IOPS (1.23x against 0.65x nbdkit) at less CPU per request, mirrored
 * 8,698 against 7,288 (0.65x against 0.52x), its p99 165-189 against 226-236 us; unmirrored QD1 + fsync lost
 * (2,885 against 3,459 IOPS; part of it won back since, unmirrored, by {@link FlushPlacement}), the QD16 and 1 MiB
 * jobs and the CPU per GiB unchanged (README, "Waiting for the next request"). An idle connection costs nothing more:
 * it spins once after its last request, then sleeps. Property {@code understudy.nbd.spinMicros}: 0 turns it off, at
 * most 1,000; the NBD server logs the bound it uses when it starts listening.
 */
final class ReadSpin {
    private static final Logger LOG = LogManager.getLogger(ReadSpin.class);
    /** The default, in microseconds: about a client's turnaround at queue depth 1. */
    static final long DEFAULT_MICROS = 50;
    /** The most a reader spins, in microseconds. */
    static final long MAX_MICROS = 1000;
    /** The bound this JVM uses, in nanoseconds. */
    static final long NANOS = parse(System.getProperty("understudy.nbd.spinMicros")) * 1000;

    private ReadSpin() {
    }

    /**
     * Microseconds from the property's text: the default when unset, 0 to 1,000 otherwise; anything else is logged
     * and the default used (a mistyped option must not keep the node's volumes from being served).
     */
    static long parse(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_MICROS;
        }
        try {
            long micros = Long.parseLong(text.strip());
            if (micros >= 0 && micros <= MAX_MICROS) {
                return micros;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.warn("nbd: ignoring -Dunderstudy.nbd.spinMicros={}: not a whole number of microseconds from 0 to {};"
                + " using {}", text, MAX_MICROS, DEFAULT_MICROS);
        return DEFAULT_MICROS;
    }

    /**
     * How long a reader spins with {@code inFlight} requests of its connection not yet answered: {@link #NANOS} when at
     * most one is (queue depth 1: the next request follows our reply within microseconds, mirrored too, where the one
     * in flight waits for the standby's ACK), none when more are. A client that pipelines sends its next requests when
     * a batch of replies reaches it (mirrored: when an ACK comes back), and a reader spinning for them spent CPU that
     * the client and the standby, on the same cores, wanted: mirrored 4 KiB QD16 cost the primary 13.9 us of CPU per
     * write spinning at every depth, 11.7 with this rule, at the same IOPS (README, "Waiting for the next request").
     */
    static long nanosFor(int inFlight) {
        return inFlight <= 1 ? NANOS : 0;
    }

    /**
     * Reads {@code ch} into {@code dst} until it gives something or {@code nanos} have passed: the bytes read, -1 at
     * the end of the stream, 0 when nothing came in time.
     */
    static int read(ReadableByteChannel ch, ByteBuffer dst, long nanos) throws IOException {
        if (nanos <= 0) {
            return 0;
        }
        long end = System.nanoTime() + nanos;
        int n = 0;
        while (n == 0 && System.nanoTime() - end < 0) {
            Thread.onSpinWait();
            n = ch.read(dst);
        }
        return n;
    }
}
