package org.understudy.snmp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.understudy.storage.FileTrees;

/**
 * An {@link SnmpFace} started in the test JVM over a {@link SyntheticCluster} for the whole test class, on an ephemeral
 * loopback port, and closed after it: register with {@code @RegisterExtension static final InProcessAgent AGENT}.
 */
final class InProcessAgent implements BeforeAllCallback, AfterAllCallback {
    private final int primaries;
    private final int volumes;
    private Path dir;
    private SyntheticCluster cluster;
    private SnmpFace face;
    private String address;

    InProcessAgent(int primaries, int volumes) {
        this.primaries = primaries;
        this.volumes = volumes;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("understudy-snmp-");
        cluster = new SyntheticCluster(dir, primaries, volumes, 0, List.of());
        face = new SnmpFace();
        face.start(cluster.context());
        address = "udp:" + face.listenAddress().replace('/', ':');
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (face != null) {
            face.close();
        }
        FileTrees.delete(dir);
    }

    /** A scratch directory of the class's own (the cluster's state lives under it). */
    Path dir() {
        return dir;
    }

    SyntheticCluster cluster() {
        return cluster;
    }

    SnmpFace face() {
        return face;
    }

    /** Net-SNMP's form of the agent's address, e.g. {@code udp:127.0.0.1:40123}. */
    String address() {
        return address;
    }

    /** Net-SNMP's tools as the operator user (authPriv). */
    NetSnmp ops() {
        return NetSnmp.v3(address, SyntheticCluster.OPS, SyntheticCluster.OPS_AUTH, SyntheticCluster.OPS_PRIV);
    }
}
