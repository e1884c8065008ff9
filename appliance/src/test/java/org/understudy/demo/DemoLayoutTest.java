package org.understudy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * --loopback-net moves every address a demo uses. Regression: the trap and inform receivers stayed on
 * 127.0.0.1:16162/16163, so two demos side by side crossed their traps.
 */
class DemoLayoutTest {
    @Test
    void loopbackNet_movesEveryAddress_trapReceiversToo() {
        DemoLayout layout = new DemoLayout(Path.of("/tmp/demo"), 3, 1 << 20, 37);
        String yaml = layout.clusterYaml();
        Matcher m = Pattern.compile("127\\.(\\d+)\\.\\d+\\.\\d+").matcher(yaml);
        int addresses = 0;
        while (m.find()) {
            addresses++;
            assertEquals("37", m.group(1), "an address the net did not move: " + m.group() + "\n" + yaml);
        }
        assertTrue(addresses > 10, yaml);
        assertEquals("127.37.0.1", layout.trapHost());
        assertTrue(yaml.contains("address: 127.37.0.1, port: 16162"), yaml);
        assertFalse(yaml.contains("localhost"), yaml);
        assertEquals("127.0.0.1", new DemoLayout(Path.of("/tmp/demo"), 1, 1 << 20, 0).trapHost(), "net 0: as before");
    }
}
