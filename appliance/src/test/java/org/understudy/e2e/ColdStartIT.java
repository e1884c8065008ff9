package org.understudy.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster powered up together: the standby is up before its primary, whose replicas it holds consistent. With the
 * default startup grace the standby waits for the primary it has never heard instead of declaring it failed at the
 * slow path's timeout and taking it over (with the demo's fence: powering it off as it boots).
 */
class ColdStartIT {
    /** Three slow-path timeouts (2 s each) and a probe: without the grace the standby would have taken over by then. */
    private static final Duration WAIT = Duration.ofSeconds(7);

    @TempDir
    Path tmp;
    private DemoFixture demo;

    @AfterEach
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void standbyUpBeforeItsPrimary_waitsForItInsteadOfTakingItOver() throws Exception {
        demo = DemoFixture.start(tmp.resolve("demo"), "--primaries", "1", "--volume-size", "8MiB");
        demo.awaitInSync("p1", "vol0", Duration.ofSeconds(60));
        // the power goes: both nodes gone at once, the replicas consistent
        demo.kill("standby");
        demo.kill("p1");

        // the standby boots first
        demo.restart("standby");
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            String state = demo.primaryState("standby", "p1");
            assertFalse(Set.of("SUSPECT", "FAILED", "FAILING_OVER", "STANDING_IN").contains(state),
                    "p1 never heard since the standby started is " + state + DemoFixture.logs(demo.dir()));
            Thread.sleep(200);
        }
        assertFalse(Files.exists(demo.dir().resolve("logs/fence.log")), "nothing fenced");
        String log = Files.readString(demo.dir().resolve("logs/standby.out"));
        assertTrue(log.contains("never heard since watching started"), "the standby says what it waits for");

        // then the primary: it finds no fence, resyncs what it wrote alone (nothing) and is protected again
        demo.restart("p1");
        Poll.until(Duration.ofSeconds(60), "p1 PROTECTED after it came up",
                () -> "PROTECTED".equals(demo.primaryState("standby", "p1")));
    }
}
