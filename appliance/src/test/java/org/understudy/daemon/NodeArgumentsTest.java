package org.understudy.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The primary's usual command line read without picocli, and every other shape left to picocli (so help, versions
 * and wrong options still get picocli's messages and exit codes).
 */
class NodeArgumentsTest {
    private static final Optional<NodeArguments> P1 = Optional.of(new NodeArguments(Path.of("/etc/c.yaml"), "p1"));

    @Test
    void usualShapes_areRead() {
        assertEquals(P1, NodeArguments.of("primary", "primary", "--config", "/etc/c.yaml", "--node", "p1"));
        assertEquals(P1, NodeArguments.of("primary", "primary", "--node", "p1", "--config", "/etc/c.yaml"));
        assertEquals(P1, NodeArguments.of("primary", "primary", "--config=/etc/c.yaml", "--node=p1"));
        assertEquals(P1, NodeArguments.of("primary", "primary", "--node=p1", "--config", "/etc/c.yaml"));
    }

    @Test
    void everyOtherShape_isLeftToPicocli() {
        for (String[] args : new String[][] {
                {},
                {"primary"},
                {"standby", "--config", "/etc/c.yaml", "--node", "p1"},
                {"primary", "--help"},
                {"primary", "-h", "--config", "/etc/c.yaml", "--node", "p1"},
                {"primary", "--config", "/etc/c.yaml", "--node", "p1", "-V"},
                {"primary", "--config", "/etc/c.yaml"},
                {"primary", "--node", "p1"},
                {"primary", "--config", "/etc/c.yaml", "--node"},
                {"primary", "--config", "--node", "p1"},
                {"primary", "--config", "/etc/c.yaml", "--node", "p1", "--node", "p2"},
                {"primary", "--config", "/etc/c.yaml", "--config", "/etc/d.yaml", "--node", "p1"},
                {"primary", "--config", "/etc/c.yaml", "--node", "p1", "extra"},
                {"primary", "--config=", "--node", "p1"},
                {"primary", "--cluster", "/etc/c.yaml", "--node", "p1"},
        }) {
            assertEquals(Optional.empty(), NodeArguments.of("primary", args), String.join(" ", args));
        }
    }
}
