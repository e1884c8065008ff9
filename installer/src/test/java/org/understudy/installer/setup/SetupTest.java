package org.understudy.installer.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.HaConfig;
import org.understudy.installer.deploy.InstallSettings;

class SetupTest {
    @TempDir
    Path dir;

    private static final String ANSWERS = """
            cluster: prod
            standby: { name: standby, address: 10.104.0.1 }
            primaries:
              - name: p1
                address: 10.104.0.21
                ssh: 10.104.0.11
                volumes: [ { name: vol0, file: /srv/p1-vol0.img, size: 256MiB }, { name: vol1, size: 64MiB } ]
              - { name: p2, address: 10.104.0.22, ssh: 10.104.0.12, volumes: [ { name: vol0, size: 32MiB } ] }
            identity: ip
            device: eth0
            prefix: 24
            serviceUser: ussvc
            """;

    private ClusterConfig setup(String answers) throws Exception {
        Path a = dir.resolve("answers.yaml");
        Files.writeString(a, answers);
        Setup s = new Setup(dir);
        s.applyAnswers(a);
        s.write();
        return ClusterConfigLoader.load(dir.resolve("cluster.yaml"));
    }

    @Test
    void answersFile_writesValidClusterSecrets0600AndInstallSettings() throws Exception {
        ClusterConfig c = setup(ANSWERS);
        assertEquals("prod", c.name());
        assertEquals(2, c.primaries().size());
        assertEquals("10.104.0.11", c.primary("p1").orElseThrow().admin().host(), "admin API on the management address");
        assertEquals(256L << 20, c.primary("p1").orElseThrow().volume("vol0").orElseThrow().size());
        assertEquals("/var/lib/understudy-data/p1-vol1.img", c.primary("p1").orElseThrow().volume("vol1").orElseThrow().file().toString());
        assertEquals(HaConfig.Identity.IP, c.ha().failover().identity());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("secrets.yaml"))));
        InstallSettings s = InstallSettings.besides(dir.resolve("cluster.yaml"));
        assertEquals("ussvc", s.serviceUser());
        assertEquals("10.104.0.12", s.sshTarget("p2", "10.104.0.22")[0]);
    }

    @Test
    void rerun_changesOnlyWhatWasAnswered() throws Exception {
        setup(ANSWERS);
        String secrets = Files.readString(dir.resolve("secrets.yaml"));
        ClusterConfig c = setup("primaries: [ { name: p3, address: 10.104.0.23, ssh: 10.104.0.13, volumes: [ { name: vol0, size: 8MiB } ] } ]\n");
        assertEquals(3, c.primaries().size(), "p3 added, p1 and p2 kept");
        assertEquals(256L << 20, c.primary("p1").orElseThrow().volume("vol0").orElseThrow().size());
        assertEquals("prod", c.name());
        assertEquals(secrets, Files.readString(dir.resolve("secrets.yaml")), "secrets kept");
    }

    @Test
    void invalidAnswer_nothingWritten() throws Exception {
        Path a = dir.resolve("answers.yaml");
        Files.writeString(a, ANSWERS.replace("size: 256MiB", "size: 1001"));
        Setup s = new Setup(dir);
        s.applyAnswers(a);
        Setup.Invalid e = assertThrows(Setup.Invalid.class, s::write);
        assertTrue(e.getMessage().contains("size"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("cluster.yaml")));
        assertFalse(Files.exists(dir.resolve("secrets.yaml")));
    }

    @Test
    void prompts_enterTakesDefaults() throws Exception {
        String input = String.join("\n", "", "", "10.104.0.1", "1", "", "10.104.0.21", "", "1", "", "", "64MiB",
                "loopback", "", "", "", "") + "\n";
        Setup s = new Setup(dir);
        s.ask(new BufferedReader(new StringReader(input)), new PrintWriter(new StringWriter()));
        s.write();
        ClusterConfig c = ClusterConfigLoader.load(dir.resolve("cluster.yaml"));
        assertEquals("understudy", c.name());
        assertEquals("p1", c.primaries().get(0).name());
        assertEquals(64L << 20, c.primaries().get(0).volumes().get(0).size());
    }
}
