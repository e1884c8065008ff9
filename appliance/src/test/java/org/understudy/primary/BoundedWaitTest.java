package org.understudy.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Work that ends in time, fails in time, or outlasts the wait and goes on. */
class BoundedWaitTest {
    @Test
    void endsInTime_isDone() throws Exception {
        assertEquals(new BoundedWait.Done<>(42), BoundedWait.run("t", Duration.ofSeconds(10), () -> 42));
    }

    @Test
    void failsInTime_isFailedWithTheCause() throws Exception {
        var o = BoundedWait.run("t", Duration.ofSeconds(10), () -> {
            throw new IOException("disk gone");
        });
        assertEquals("disk gone", assertInstanceOf(BoundedWait.Failed.class, o).failure().getMessage());
    }

    @Test
    void outlastsTheWait_isRunning_andGoesOnToItsEnd() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        var o = BoundedWait.run("t", Duration.ofMillis(50), () -> {
            release.await();
            return "finished";
        });
        var running = assertInstanceOf(BoundedWait.Running.class, o);
        release.countDown();
        assertEquals("finished", running.future().get(10, TimeUnit.SECONDS));
    }
}
