package org.understudy.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LinkLifeTest {
    /** A link as LinkLife sees it: a count of acknowledged writes, and whether a KEEPALIVE can go out. */
    private static final class Link {
        final String name;
        long acked;
        boolean up = true;

        Link(String name) {
            this.name = name;
        }
    }

    private final List<String> sent = new ArrayList<>();
    private final AtomicInteger heard = new AtomicInteger();
    private final Map<String, Link> links = new LinkedHashMap<>();

    private void tick(LinkLife life) {
        life.tick(links, l -> l.acked, (l, acked) -> {
            if (!l.up) {
                return false;
            }
            sent.add(l.name);
            acked.run(); // the standby answers at once
            return true;
        }, heard::incrementAndGet);
    }

    @Test
    void withTheDefaultsAnIdleLinkPathSpeaksEveryOtherInterval() {
        int every = LinkLife.every(Duration.ofMillis(250), Duration.ofSeconds(2));
        assertEquals(2, every, "250 ms interval, 2 s timeout: a KEEPALIVE every 500 ms, four before the timeout");
        for (String v : List.of("vol0", "vol1", "vol2", "vol3")) {
            links.put(v, new Link(v));
        }
        LinkLife life = new LinkLife(every);
        for (int i = 0; i < 16; i++) {
            tick(life);
        }
        // 100 idle primaries x 4 volumes: 200 KEEPALIVEs a second at the standby instead of 400; each link in turn
        assertEquals(List.of("vol0", "vol1", "vol2", "vol3", "vol0", "vol1", "vol2", "vol3"), sent);
        assertEquals(8, heard.get());
    }

    @Test
    void acknowledgedWritesAreLifeEveryIntervalAndIdleLinksStillGetTheirTurn() {
        links.put("busy", new Link("busy"));
        links.put("idle", new Link("idle"));
        LinkLife life = new LinkLife(2);
        tick(life); // first look: nothing to compare yet
        for (int i = 0; i < 4; i++) {
            links.get("busy").acked += 10;
            tick(life);
        }
        assertEquals(List.of("idle", "idle"), sent, "the idle link speaks every other interval, the busy one never needs to");
        assertEquals(4 + 2, heard.get(), "acknowledged writes count each interval, plus the KEEPALIVEs' answers");
    }

    @Test
    void aDownLinkPassesItsTurnToTheNextAndShortTimeoutsKeepOneKeepaliveAnInterval() {
        links.put("vol0", new Link("vol0"));
        links.put("vol1", new Link("vol1"));
        links.get("vol0").up = false;
        LinkLife life = new LinkLife(LinkLife.every(Duration.ofMillis(250), Duration.ofMillis(900)));
        for (int i = 0; i < 3; i++) {
            tick(life);
        }
        assertEquals(List.of("vol1", "vol1", "vol1"), sent);
        assertEquals(4, LinkLife.every(Duration.ofMillis(100), Duration.ofMillis(1700)));
        assertThrows(IllegalArgumentException.class, () -> new LinkLife(0));
    }
}
