package org.understudy.snmp;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.snmp4j.CommunityTarget;
import org.snmp4j.PDU;
import org.snmp4j.ScopedPDU;
import org.snmp4j.Snmp;
import org.snmp4j.Target;
import org.snmp4j.UserTarget;
import org.snmp4j.event.ResponseEvent;
import org.snmp4j.event.ResponseListener;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TimeTicks;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.smi.VariableBinding;
import org.understudy.config.SnmpTarget;

/**
 * Sends notifications to the cluster file's receivers from its own queue and thread, so whoever publishes an event
 * or raises an alarm never waits for the network. Traps are fire and forget; informs are sent asynchronously and
 * retried by SNMP4J ({@code retries}, {@code timeoutMs} of the receiver) and their outcome is logged. A full queue
 * drops the newest notification and counts it. Thread-safe.
 */
final class Notifier implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Notifier.class);
    static final int QUEUE = 1000;

    private final String node;
    private final Snmp session;
    private final OctetString engineId;
    private final Supplier<TimeTicks> upTime;
    private final List<SnmpTarget> targets;
    private final BlockingQueue<Supplier<Notification>> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param engineId this agent's engine ID (authoritative for v3 traps)
     * @param upTime   sysUpTime for the first varbind
     */
    Notifier(String node, Snmp session, OctetString engineId, Supplier<TimeTicks> upTime, List<SnmpTarget> targets) {
        this.node = node;
        this.session = session;
        this.engineId = engineId;
        this.upTime = upTime;
        this.targets = List.copyOf(targets);
        this.thread = Thread.ofPlatform().daemon().name("snmp-notify-" + node).unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Queues a notification, built on the sender thread (null result: nothing to send). Never blocks. */
    void enqueue(Supplier<Notification> build) {
        if (closed || targets.isEmpty()) {
            return;
        }
        if (!queue.offer(build)) {
            long n = dropped.incrementAndGet();
            LOG.warn("{}: SNMP notification queue full ({}), dropped one ({} dropped so far)", node, QUEUE, n);
        }
    }

    long acknowledgedInforms() {
        return acknowledged.get();
    }

    private void loop() {
        while (!closed) {
            Supplier<Notification> build;
            try {
                build = queue.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (build == null) {
                continue;
            }
            try {
                Notification n = build.get();
                if (n != null) {
                    for (SnmpTarget t : targets) {
                        send(n, t);
                    }
                }
            } catch (RuntimeException e) {
                LOG.error("{}: could not send an SNMP notification: {}", node, e.toString(), e);
            }
        }
    }

    private void send(Notification n, SnmpTarget t) {
        try {
            Address address = new UdpAddress(InetAddress.getByName(t.host()), t.port());
            PDU pdu = t.version() == SnmpTarget.Version.V3 ? new ScopedPDU() : new PDU();
            pdu.setType(t.inform() ? PDU.INFORM : PDU.NOTIFICATION);
            pdu.add(new VariableBinding(SnmpConstants.sysUpTime, upTime.get()));
            pdu.add(new VariableBinding(SnmpConstants.snmpTrapOID, n.trapOid()));
            pdu.addAll(n.varbinds());
            Target<Address> target = target(t, address);
            if (!t.inform()) {
                session.send(pdu, target);
                LOG.debug("{}: SNMP trap {} sent to {}", node, n.trapOid(), t);
                return;
            }
            session.send(pdu, target, null, new ResponseListener() {
                @Override
                public <A extends Address> void onResponse(ResponseEvent<A> event) {
                    ((Snmp) event.getSource()).cancel(event.getRequest(), this);
                    if (event.getResponse() == null) {
                        LOG.warn("{}: SNMP inform {} to {} not acknowledged after {} tries of {} ms{}", node, n.trapOid(), t,
                                t.retries() + 1, t.timeoutMs(), event.getError() != null ? ": " + event.getError() : "");
                    } else {
                        acknowledged.incrementAndGet();
                        LOG.debug("{}: SNMP inform {} acknowledged by {}", node, n.trapOid(), t);
                    }
                }
            });
        } catch (Exception e) {
            LOG.warn("{}: SNMP notification {} to {} failed: {}", node, n.trapOid(), t, e.toString());
        }
    }

    private Target<Address> target(SnmpTarget t, Address address) {
        if (t.version() == SnmpTarget.Version.V2C) {
            CommunityTarget<Address> c = new CommunityTarget<>(address, new OctetString(t.community()));
            c.setVersion(SnmpConstants.version2c);
            c.setRetries(t.retries());
            c.setTimeout(t.timeoutMs());
            return c;
        }
        UserTarget<Address> u = new UserTarget<>(address, new OctetString(t.user()), t.inform() ? new byte[0] : engineId.getValue());
        u.setSecurityLevel(SecurityLevel.AUTH_PRIV);
        u.setVersion(SnmpConstants.version3);
        u.setRetries(t.retries());
        u.setTimeout(t.timeoutMs());
        return u;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
