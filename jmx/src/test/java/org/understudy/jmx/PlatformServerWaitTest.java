package org.understudy.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.understudy.config.Endpoint;
import org.understudy.config.JmxConfig;
import org.understudy.e2e.Poll;

/**
 * A node without a {@code jmx:} block makes no MBean server of its own: its beans wait until something else made the
 * platform server (a local {@code jconsole PID} attaching), then appear within the idle refresh. With the block, or
 * with the server already there, they are registered at start as before.
 */
class PlatformServerWaitTest {
    @Test
    void withoutJmxBlock_beansWaitForTheServer_andNeverCreateIt() throws Exception {
        FakeNode node = new FakeNode();
        AtomicBoolean made = new AtomicBoolean();
        AtomicInteger asked = new AtomicInteger();
        AtomicInteger looks = new AtomicInteger();
        PlatformServer platform = new PlatformServer(() -> {
            looks.incrementAndGet();
            return made.get();
        }, () -> {
            asked.incrementAndGet();
            return node.server;
        });
        JmxFace face = new JmxFace(platform, System::nanoTime, 20, 50);
        face.start(node.context(null));
        try {
            // the face looked for the server several times (at start and at its idle pace) and found none
            Poll.until(Duration.ofSeconds(10), () -> "the face looked for the server only " + looks.get() + " times",
                    () -> looks.get() >= 4);
            assertFalse(face.beansRegistered(), "no beans before the server exists");
            assertEquals(0, asked.get(), "the face never asked for (and so never created) the server");
            assertFalse(node.server.isRegistered(ObjectNames.appliance()));

            made.set(true); // a local client attached: the JDK made the platform server
            Poll.until(Duration.ofSeconds(10), () -> "beans not registered after the server appeared",
                    face::beansRegistered);
            assertTrue(node.server.isRegistered(ObjectNames.appliance()));
            assertTrue(node.server.isRegistered(ObjectNames.alarms()));
            assertTrue(node.server.isRegistered(new ObjectName(ObjectNames.DOMAIN + ":type=Primary,name=p1")),
                    "the per-primary beans follow the first snapshot");
        } finally {
            face.close();
        }
        assertFalse(node.server.isRegistered(ObjectNames.appliance()), "closed: the beans are gone");
    }

    @Test
    void withJmxBlock_orAServerThere_beansAreRegisteredAtStart() throws Exception {
        FakeNode node = new FakeNode();
        AtomicInteger asked = new AtomicInteger();
        PlatformServer absent = new PlatformServer(() -> false, () -> {
            asked.incrementAndGet();
            return node.server;
        });
        JmxFace face = new JmxFace(absent, System::nanoTime, 20, 50);
        face.start(node.context(new JmxConfig(new Endpoint("127.160.0.1", 0), null)));
        try {
            assertTrue(face.beansRegistered(), "a jmx block serves its beans from the start");
            assertTrue(node.server.isRegistered(ObjectNames.appliance()));
            assertEquals(1, asked.get());
        } finally {
            face.close();
        }
        FakeNode other = new FakeNode();
        JmxFace local = new JmxFace(PlatformServer.of(other.server), System::nanoTime, 20, 50);
        local.start(other.context(null));
        try {
            assertTrue(local.beansRegistered(), "a server that exists gets the beans at start");
        } finally {
            local.close();
        }
    }
}
