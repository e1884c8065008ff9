package org.understudy.web.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Slowing down failed logins per source, on a hand-driven clock. */
class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void failures_doubleTheWait_upToAMinute_perSource() {
        assertEquals(Duration.ZERO, throttle.delay("10.0.0.1"));
        assertEquals(Duration.ofSeconds(1), throttle.failed("10.0.0.1").delay());
        assertEquals(Duration.ofSeconds(1), throttle.delay("10.0.0.1"));
        assertEquals(Duration.ZERO, throttle.delay("10.0.0.2"), "another source is not slowed");
        assertEquals(Duration.ofSeconds(2), throttle.failed("10.0.0.1").delay());
        assertEquals(Duration.ofSeconds(4), throttle.failed("10.0.0.1").delay());
        for (int i = 0; i < 10; i++) {
            throttle.failed("10.0.0.1");
        }
        assertEquals(LoginThrottle.LONGEST, throttle.delay("10.0.0.1"), "capped");
        advance(Duration.ofSeconds(59));
        assertEquals(Duration.ofSeconds(1), throttle.delay("10.0.0.1"));
        advance(Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, throttle.delay("10.0.0.1"));
    }

    @Test
    void success_clearsTheSource_andAQuietSourceStartsAgain() {
        throttle.failed("a");
        throttle.failed("a");
        throttle.succeeded("a");
        assertEquals(Duration.ZERO, throttle.delay("a"));
        assertEquals(1, throttle.failed("a").failures());
        advance(LoginThrottle.FORGET.plusSeconds(1));
        assertEquals(1, throttle.failed("a").failures(), "a quarter of an hour later it starts from nothing");
    }

    @Test
    void manySources_memoryStaysBounded() {
        for (int i = 0; i < LoginThrottle.MAX_SOURCES + 500; i++) {
            throttle.failed("src-" + i);
        }
        assertTrue(throttle.tracked() <= LoginThrottle.MAX_SOURCES, "tracked " + throttle.tracked());
    }
}
