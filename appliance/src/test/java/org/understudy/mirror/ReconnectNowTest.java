package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.e2e.Poll;
import org.understudy.model.LinkState;
import org.understudy.model.MirrorState;

/** A standby that accepts the primary again is reached at once, not at the end of a long back-off. */
class ReconnectNowTest {
    @TempDir
    Path root;

    @Test
    void reconnectNow_cutsTheBackOffShort() throws Exception {
        try (MirrorFixture f = new MirrorFixture(root, 1, 1 << 20)) {
            f.stopStandby();
            // the first attempt fails and the next one is 60 s away
            MirrorOptions slow = MirrorOptions.defaults().withReconnect(Duration.ofSeconds(60), Duration.ofSeconds(60));
            try (MirroredVolume v = f.open(1, 0, slow)) {
                Poll.until(Duration.ofSeconds(20), "first attempt failed",
                        () -> v.linkSnapshot().state() == LinkState.DOWN);
                f.startStandby();
                v.reconnectNow();
                MirrorFixture.awaitState(v, MirrorState.IN_SYNC, Duration.ofSeconds(30));
                v.reconnectNow(); // linked: nothing happens
                assertEquals(MirrorState.IN_SYNC, v.state());
            }
        }
    }
}
