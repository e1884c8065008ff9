package org.understudy.jmx;

import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;

/**
 * The MBean server the face's beans go into, and whether it exists yet. The JDK creates the platform MBean server on
 * first use, with some 400 classes of its own (every platform MXBean, the diagnostic commands' descriptions) and their
 * heap: an idle primary without a {@code jmx:} block needs none of it until a local client such as {@code jconsole
 * PID} attaches, which creates it. Asking whether it exists must not create it, hence {@link
 * MBeanServerFactory#findMBeanServer}, which lists the servers made so far and makes none.
 *
 * @param exists whether the server has been created (by anyone)
 * @param server the server, created if need be
 */
record PlatformServer(BooleanSupplier exists, Supplier<MBeanServer> server) {
    /** The JDK's platform MBean server. */
    static final PlatformServer JDK = new PlatformServer(() -> !MBeanServerFactory.findMBeanServer(null).isEmpty(),
            ManagementFactory::getPlatformMBeanServer);

    /** A server that is there from the start (tests). */
    static PlatformServer of(MBeanServer server) {
        return new PlatformServer(() -> true, () -> server);
    }
}
