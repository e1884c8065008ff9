package org.understudy.installer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.SecretsGenerator;
import org.understudy.installer.deploy.InstallSettings;
import org.understudy.installer.deploy.Target;
import org.understudy.installer.deploy.Units;

/**
 * The units {@code install} writes pass {@code systemd-analyze verify} without a single warning: a standby that takes
 * addresses ({@code identity: ip}, so CAP_NET_ADMIN) and a primary with a file and a block-device volume. Their
 * ExecStart points at the built distribution through a {@code current} link, as on a target.
 */
class SystemdUnitsIT {
    @TempDir
    Path tmp;

    @Test
    void shippedUnits_passSystemdAnalyzeVerify() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze not installed");
        Path dist = Path.of(System.getProperty("understudy.dist", "target/understudy")).toAbsolutePath();
        Path opt = tmp.resolve("opt");
        Files.createDirectories(opt);
        Files.createSymbolicLink(opt.resolve("current"), dist);
        new SecretsGenerator().write(tmp.resolve("secrets.yaml"));
        Files.writeString(tmp.resolve("cluster.yaml"), """
                cluster: { name: units }
                failover: { identity: ip, device: eth0, prefix: 24 }
                standby: { name: standby, address: 10.104.0.1, admin: { address: 10.104.0.1 }, stateDir: /var/lib/understudy/standby }
                primaries:
                  - name: p1
                    address: 10.104.0.21
                    admin: { address: 10.104.0.11 }
                    stateDir: /var/lib/understudy/p1
                    volumes: [ { name: vol0, file: /srv/understudy/p1-vol0.img, size: 1GiB }, { name: vol1, file: /dev/sdb, size: 1GiB } ]
                """);
        ClusterConfig c = ClusterConfigLoader.load(tmp.resolve("cluster.yaml"));
        InstallSettings s = new InstallSettings("understudy", opt.toString(), "/etc/understudy", "/etc/systemd/system",
                "root", 22, java.util.Map.of(), java.time.Duration.ofSeconds(2));
        for (Target t : Target.all(c, s)) {
            Path unit = tmp.resolve(t.unitName());
            String text = Units.unit(t);
            Files.writeString(unit, text);
            Process p = new ProcessBuilder(List.of("systemd-analyze", "verify", unit.toString())).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), t.name() + ": " + out);
            assertEquals("", out.strip(), t.name() + ": systemd-analyze warns:\n" + out + "\n" + text);
            assertTrue(text.contains("ProtectSystem=strict") && text.contains("User=understudy"), text);
            assertEquals(t.isStandby(), text.contains("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW"), text);
        }
    }
}
