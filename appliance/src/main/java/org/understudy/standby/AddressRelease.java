package org.understudy.standby;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.failover.StepResult;
import org.understudy.failover.TakeoverTarget;

/**
 * The takeover's {@code await-release} step: after the fence, waits until nothing answers any more on the primary's
 * service address and NBD port, so the standby never binds while the old primary still serves. A dead primary's
 * address is free at the first look. A live one (a forced failover) is told over its admin API that it is fenced
 * and closes its exports at once; its answer goes into the step's detail. The wait is bounded (the primary's
 * {@code failover.releaseTimeout}) and its outcome says what is true: who still holds the address, what the primary
 * said. Thread-safe (no state).
 */
final class AddressRelease {
    private static final Logger LOG = LogManager.getLogger(AddressRelease.class);
    private static final int CONNECT_MILLIS = 200;
    private static final long POLL_MILLIS = 20;

    /** Tells the primary it is fenced at {@code epoch}; returns what it answered, or why it did not. */
    @FunctionalInterface
    interface Tell {
        String fenced(TakeoverTarget t, long epoch, Duration within);
    }

    private final String self;
    private final LongSupplier nanos;

    AddressRelease(String self, LongSupplier nanos) {
        this.self = self;
        this.nanos = nanos;
    }

    /**
     * @param fencingCommand whether the primary has a fencing command (which ran before this step): without one, a
     *                       holder that never lets go is most likely a frozen host, and the failure says what it needs
     */
    StepResult await(TakeoverTarget t, long epoch, Duration limit, boolean fencingCommand, Tell tell) {
        InetSocketAddress sa = new InetSocketAddress(t.address(), t.nbdPort());
        long start = nanos.getAsLong();
        long deadline = start + limit.toNanos();
        if (!answers(sa)) {
            return StepResult.ok(String.format("nothing answers on %s:%d (checked in %.1f ms)", t.address(),
                    t.nbdPort(), ms(start)));
        }
        LOG.warn("{}: {} still answers on {}:{} after the fence (epoch {}): telling it, waiting up to {} ms for it to "
                + "let go", self, t.primary(), t.address(), t.nbdPort(), epoch, limit.toMillis());
        String said = tell.fenced(t, epoch, Duration.ofNanos(Math.max(1_000_000, deadline - nanos.getAsLong())));
        while (true) {
            if (!answers(sa)) {
                String detail = String.format("%s let go of %s:%d after %.1f ms (%s)", t.primary(), t.address(),
                        t.nbdPort(), ms(start), said);
                LOG.info("{}: {}", self, detail);
                return StepResult.ok(detail);
            }
            if (nanos.getAsLong() >= deadline) {
                return StepResult.failed(String.format("something still answers on %s:%d after %.1f s "
                        + "(failover.releaseTimeout %d ms); %s was told it is fenced at epoch %d and said: %s%s",
                        t.address(), t.nbdPort(), ms(start) / 1000, limit.toMillis(), t.primary(), epoch, said,
                        fencingCommand ? "" : frozenHint(t)));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return StepResult.failed("interrupted while waiting for " + t.primary() + " to let go of "
                        + t.address() + ":" + t.nbdPort());
            }
        }
    }

    /**
     * What an operator needs to know when nothing fenced the holder: a frozen host (a stopped process, a hung
     * kernel) keeps its listening sockets, which its kernel goes on accepting, and only its fence displaces it.
     */
    static String frozenHint(TakeoverTarget t) {
        return "; no fencing command is configured for " + t.primary() + ": a frozen host (a stopped process, a hung "
                + "kernel) keeps accepting on its address and never lets go by itself; set failover.fencingCommand "
                + "(a power switch, STONITH) so a takeover can displace it";
    }

    private double ms(long since) {
        return (nanos.getAsLong() - since) / 1e6;
    }

    /** True if something accepts a connection on {@code sa}; a refusal or no answer in time means free. */
    static boolean answers(InetSocketAddress sa) {
        try (Socket s = new Socket()) {
            s.connect(sa, CONNECT_MILLIS);
            return true;
        } catch (IOException free) {
            return false;
        }
    }
}
