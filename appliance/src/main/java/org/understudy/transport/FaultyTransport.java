package org.understudy.transport;

import java.net.InetSocketAddress;
import java.util.Random;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Wraps a transport with faults a test switches on and off while it runs: drop everything, drop with a probability
 * (a seeded {@link Random}, so runs repeat), delay, cut one direction, corrupt one byte, duplicate (a replay of the
 * same bytes). Outbound faults act on {@link #send}; inbound faults ({@link #cutInbound}) on delivery to the receiver.
 * Thread-safe: switches are volatile, the random source is used under a lock.
 */
public final class FaultyTransport implements DatagramTransport {
    private static final Logger LOG = LogManager.getLogger(FaultyTransport.class);

    private final DatagramTransport inner;
    private final Scheduler scheduler;
    private final Random random;
    private volatile boolean dropAll;
    private volatile double dropProbability;
    private volatile long delayNanos;
    private volatile boolean cutOutbound;
    private volatile boolean cutInbound;
    private volatile boolean corrupt;
    private volatile boolean duplicate;
    private volatile Receiver receiver;
    private long dropped;

    /** @param scheduler used only for {@link #delay}; {@code seed} makes probabilistic drops repeatable */
    public FaultyTransport(DatagramTransport inner, Scheduler scheduler, long seed) {
        this.inner = inner;
        this.scheduler = scheduler;
        this.random = new Random(seed);
        inner.receiver(this::deliver);
    }

    public FaultyTransport dropAll(boolean on) {
        dropAll = on;
        return this;
    }

    /** Drops each outbound message with probability {@code p} (0 turns it off). */
    public FaultyTransport dropProbability(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("probability " + p);
        }
        dropProbability = p;
        return this;
    }

    /** Delays each outbound message by {@code nanos} on the scheduler (0 turns it off). */
    public FaultyTransport delay(long nanos) {
        delayNanos = nanos;
        return this;
    }

    public FaultyTransport cutOutbound(boolean on) {
        cutOutbound = on;
        return this;
    }

    public FaultyTransport cutInbound(boolean on) {
        cutInbound = on;
        return this;
    }

    /** Flips one byte (at a random position) of each outbound message. */
    public FaultyTransport corrupt(boolean on) {
        corrupt = on;
        return this;
    }

    /** Sends each outbound message twice: the second copy is a replay. */
    public FaultyTransport duplicate(boolean on) {
        duplicate = on;
        return this;
    }

    /** Clears every fault. */
    public FaultyTransport heal() {
        dropAll = false;
        dropProbability = 0;
        delayNanos = 0;
        cutOutbound = false;
        cutInbound = false;
        corrupt = false;
        duplicate = false;
        return this;
    }

    /** Messages dropped by faults so far (both directions). */
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public InetSocketAddress localAddress() {
        return inner.localAddress();
    }

    @Override
    public void send(InetSocketAddress to, byte[] message) {
        byte[] out = message;
        synchronized (this) {
            if (dropAll || cutOutbound || (dropProbability > 0 && random.nextDouble() < dropProbability)) {
                dropped++;
                return;
            }
            if (corrupt && out.length > 0) {
                out = out.clone();
                int at = random.nextInt(out.length);
                out[at] ^= (byte) (1 + random.nextInt(255));
            }
        }
        byte[] msg = out;
        long d = delayNanos;
        Runnable go = () -> {
            inner.send(to, msg);
            if (duplicate) {
                inner.send(to, msg);
            }
        };
        if (d > 0) {
            scheduler.schedule(go, d);
        } else {
            go.run();
        }
    }

    private void deliver(InetSocketAddress from, byte[] message) {
        if (cutInbound) {
            synchronized (this) {
                dropped++;
            }
            LOG.trace("fault: inbound cut, dropped {} bytes from {}", message.length, from);
            return;
        }
        Receiver r = receiver;
        if (r != null) {
            r.receive(from, message);
        }
    }

    @Override
    public void receiver(Receiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public void close() {
        inner.close();
    }
}
