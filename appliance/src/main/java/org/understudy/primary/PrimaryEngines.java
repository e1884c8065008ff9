package org.understudy.primary;

import java.util.Map;
import org.understudy.config.PrimaryConfig;
import org.understudy.daemon.NodeEngine;
import org.understudy.storage.BlockDevice;

/**
 * The primary role for those who start it themselves: {@code understudy primary} through the node runner, and the load
 * harness, which runs many primaries in one JVM and writes through the same devices the NBD exports serve.
 */
public final class PrimaryEngines {
    /** Builds the primary engine of a node; the caller starts and closes it. */
    public static final NodeEngine.Factory<PrimaryConfig> FACTORY = PrimaryNode::new;

    private PrimaryEngines() {
    }

    /**
     * The devices a primary engine serves, by volume name: a write to one is a client's write (counted, mirrored,
     * acknowledged after the standby). Empty for any other engine.
     */
    public static Map<String, BlockDevice> served(NodeEngine engine) {
        return engine instanceof PrimaryNode p ? Map.copyOf(p.servedDevices()) : Map.of();
    }
}
