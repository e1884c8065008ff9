package org.understudy.installer.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.SecretsGenerator;
import org.understudy.installer.dist.Distribution;
import org.understudy.installer.ssh.HostKeyRefusedException;
import org.understudy.installer.ssh.SshConnector;

/**
 * {@code install} against simulated hosts (an in-process SSH server each, rooted in its own directory): the error
 * paths and idempotence. A fake distribution's {@code understudy-service} only marks the node running.
 */
class InstallerTest {
    @TempDir
    Path tmp;
    private final Map<String, SimHost> hosts = new LinkedHashMap<>();
    private Path key;
    private PublicKey publicKey;
    private Path knownHosts;
    private ClusterConfig cluster;
    private Distribution dist;
    private final StringWriter output = new StringWriter();
    private DeployJournal journal;

    @BeforeEach
    void setUp() throws Exception {
        key = tmp.resolve("id_ecdsa");
        Process kg = new ProcessBuilder("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, kg.waitFor(), new String(kg.getInputStream().readAllBytes()));
        publicKey = PublicKeyEntry.parsePublicKeyEntry(Files.readString(tmp.resolve("id_ecdsa.pub")).strip())
                .resolvePublicKey(null, null, null);
        for (String n : List.of("standby", "p1", "p2")) {
            hosts.put(n, new SimHost(n, tmp.resolve("hosts/" + n), publicKey));
        }
        knownHosts = tmp.resolve("known_hosts");
        StringBuilder kh = new StringBuilder();
        hosts.values().forEach(h -> kh.append(h.knownHostsLine(h.hostKey.getPublic())).append('\n'));
        Files.writeString(knownHosts, kh);
        cluster = writeCluster("1MiB");
        dist = fakeDistribution();
        journal = new DeployJournal("tester", "install");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (SimHost h : hosts.values()) {
            h.close();
        }
    }

    private ClusterConfig writeCluster(String size) throws Exception {
        Path dir = tmp.resolve("conf");
        Files.createDirectories(dir);
        if (!Files.exists(dir.resolve("secrets.yaml"))) {
            new SecretsGenerator().write(dir.resolve("secrets.yaml"));
        }
        StringBuilder y = new StringBuilder("""
                cluster: { name: sim, secrets: secrets.yaml }
                health: { heartbeatPort: 17791 }
                standby:
                  name: standby
                  address: 127.0.104.1
                  replication: { port: 17790 }
                  admin: { address: 127.0.104.1, port: 17800 }
                  stateDir: /var/lib/understudy/standby
                primaries:
                """);
        for (int i = 1; i <= 2; i++) {
            y.append("  - { name: p").append(i).append(", address: 127.0.104.1").append(i).append(", nbdPort: 17809, admin: { address: 127.0.104.1")
                    .append(i).append(", port: 17800 }, stateDir: /var/lib/understudy/p").append(i)
                    .append(", volumes: [ { name: vol0, file: /srv/us/p").append(i).append("-vol0.img, size: ").append(size).append(" } ] }\n");
        }
        Files.writeString(dir.resolve("cluster.yaml"), y);
        return ClusterConfigLoader.load(dir.resolve("cluster.yaml"));
    }

    private Distribution fakeDistribution() throws IOException {
        Path d = tmp.resolve("dist");
        Files.createDirectories(d.resolve("bin"));
        Files.createDirectories(d.resolve("lib"));
        Files.createDirectories(d.resolve("runtime/bin"));
        Files.writeString(d.resolve("bin/understudy"), "#!/bin/sh\necho understudy\n");
        Files.writeString(d.resolve("bin/understudy-service"), """
                #!/bin/sh
                f="$UNDERSTUDY_TARGET_ROOT/run/$(basename "$2").running"
                case "$1" in
                  start|restart) echo "$1" >> "$UNDERSTUDY_TARGET_ROOT/service.log"; mkdir -p "$(dirname "$f")"; touch "$f" ;;
                  stop) echo "$1" >> "$UNDERSTUDY_TARGET_ROOT/service.log"; rm -f "$f" ;;
                  status) [ -f "$f" ] ;;
                esac
                """);
        Files.writeString(d.resolve("runtime/bin/java"), "#!/bin/sh\n");
        for (String f : List.of("bin/understudy", "bin/understudy-service", "runtime/bin/java")) {
            Files.setPosixFilePermissions(d.resolve(f), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        byte[] jar = new byte[2 << 20];
        new Random(7).nextBytes(jar); // incompressible, so a cut lands in the middle of the push
        Files.write(d.resolve("lib/big.jar"), jar);
        return Distribution.scan(d, "9.9.9-test", 2);
    }

    private InstallSettings settings() {
        Map<String, String> ssh = new HashMap<>();
        hosts.forEach((n, h) -> ssh.put(n, "127.0.0.1:" + h.port()));
        return InstallSettings.DEFAULTS.withServiceUser(System.getProperty("user.name")).withSshHosts(ssh);
    }

    private Installer.Report install(boolean acceptNew, Map<String, Integer> portOverride) throws IOException {
        InstallSettings s = settings();
        try (SshConnector ssh = new SshConnector(new SshConnector.Options(knownHosts, acceptNew, List.of(key),
                System.getProperty("user.name"), java.time.Duration.ofSeconds(10)))) {
            Installer installer = new Installer(t -> ssh.connect(t.name(), t.sshHost(),
                    portOverride.getOrDefault(t.name(), t.sshPort())), journal, new PrintWriter(output, true));
            return installer.install(cluster, Target.all(cluster, s), dist, false);
        }
    }

    private Installer.Report install() throws IOException {
        return install(false, Map.of());
    }

    private Path on(String host, String path) {
        return hosts.get(host).root.resolve(path.substring(1));
    }

    @Test
    void freshHosts_everyNodeInstalled_versionedDirCurrentLinkSecrets0600AndServiceStarted() throws Exception {
        Installer.Report r = install();
        assertTrue(r.ok(), output.toString());
        for (String n : hosts.keySet()) {
            assertTrue(Files.isRegularFile(on(n, "/opt/understudy/versions/" + dist.id() + "/lib/big.jar")), n);
            assertEquals("versions/" + dist.id(), Files.readSymbolicLink(on(n, "/opt/understudy/current")).toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(on(n, "/etc/understudy/secrets.yaml"))));
            assertTrue(Files.exists(on(n, "/run/" + n + ".env.running")), n + " started");
            assertTrue(r.sentPerNode().get(n) > 2_000_000, n + " received the distribution: " + r.sentPerNode());
        }
        assertTrue(Files.exists(on("p1", "/srv/us/p1-vol0.img")));
        assertTrue(journal.rows().stream().anyMatch(x -> x.node().equals("p2") && x.step().equals("push") && x.outcome().equals("ok")
                && x.version().equals(dist.id())), journal.rows().toString());
    }

    @Test
    void ed25519LoginAndHostKeys_everyNodeInstalled() throws Exception {
        key = tmp.resolve("id_ed25519");
        Process kg = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, kg.waitFor(), new String(kg.getInputStream().readAllBytes()));
        publicKey = PublicKeyEntry.parsePublicKeyEntry(Files.readString(tmp.resolve("id_ed25519.pub")).strip())
                .resolvePublicKey(null, null, null);
        StringBuilder kh = new StringBuilder();
        for (String n : List.of("standby", "p1", "p2")) {
            hosts.remove(n).close();
            SimHost h = new SimHost(n, tmp.resolve("hosts/" + n), publicKey, SimHost.ed25519Key());
            hosts.put(n, h);
            kh.append(h.knownHostsLine(h.hostKey.getPublic())).append('\n');
        }
        Files.writeString(knownHosts, kh);
        assertTrue(kh.toString().contains(" ssh-ed25519 "), kh.toString());
        Installer.Report r = install();
        assertTrue(r.ok(), r.failure() + "\n" + output);
        for (String n : hosts.keySet()) {
            assertTrue(Files.exists(on(n, "/run/" + n + ".env.running")), n + " started");
        }
    }

    @Test
    void rerunWithNothingToDo_changesNothingAtAll() throws Exception {
        assertTrue(install().ok(), output.toString());
        Map<String, String> before = snapshot();
        output.getBuffer().setLength(0);
        assertTrue(install().ok(), output.toString());
        assertEquals(before, snapshot(), "a second run changed files on a host");
        for (String n : hosts.keySet()) {
            assertTrue(output.toString().contains(n + ": nothing to do"), output.toString());
        }
    }

    @Test
    void anotherPrimarysEntryChanged_standbyRestarts_otherPrimaryOnlyGetsTheFile() throws Exception {
        assertTrue(install().ok(), output.toString());
        Path conf = tmp.resolve("conf/cluster.yaml");
        Files.writeString(conf, Files.readString(conf).replace("address: 127.0.104.12, nbdPort: 17809", "address: 127.0.104.12, nbdPort: 17819"));
        cluster = ClusterConfigLoader.load(conf);
        output.getBuffer().setLength(0);
        assertTrue(install().ok(), output.toString());
        assertTrue(Files.readString(on("standby", "/service.log")).contains("restart"), output.toString());
        assertTrue(Files.readString(on("p2", "/service.log")).contains("restart"), output.toString());
        assertFalse(Files.readString(on("p1", "/service.log")).contains("restart"), "p1 restarted for p2's change:\n" + output);
        assertEquals(Files.readString(conf), Files.readString(on("p1", "/etc/understudy/cluster.yaml")), "p1 has the new file");
    }

    @Test
    void connectionCutMidPush_nothingHalfInstalled_rerunCompletes() throws Exception {
        int proxy = hosts.get("p1").cutAfter(600_000);
        SimHost p1 = hosts.get("p1");
        Files.writeString(knownHosts, p1.knownHostsLine(p1.hostKey.getPublic()).replace(":" + p1.port() + "]", ":" + proxy + "]")
                .replace("]:" + p1.port(), "]:" + proxy) + "\n", java.nio.file.StandardOpenOption.APPEND);
        Installer.Report r = install(false, Map.of("p1", proxy));
        assertFalse(r.ok(), output.toString());
        assertTrue(r.failure().contains("p1: push failed"), r.failure() + "\n" + output);
        Path opt = on("p1", "/opt/understudy");
        try (Stream<Path> s = Files.exists(opt) ? Files.walk(opt) : Stream.empty()) {
            List<Path> left = s.filter(p -> p.getFileName().toString().startsWith(".staging") || p.toString().contains("/versions/")
                    || p.endsWith("current")).toList();
            assertTrue(left.isEmpty(), "left on p1: " + left);
        }
        assertFalse(Files.exists(on("p1", "/etc/understudy/cluster.yaml")), "p1 got files after the failed push");
        assertFalse(Files.exists(on("p2", "/opt/understudy")), "p2 was touched after p1 failed");
        output.getBuffer().setLength(0);
        Installer.Report again = install(false, Map.of("p1", proxy));
        assertTrue(again.ok(), again.failure() + "\n" + output);
        assertTrue(Files.exists(on("p1", "/run/p1.env.running")));
        assertTrue(output.toString().contains("standby: nothing to do"), output.toString());
    }

    @Test
    void changedHostKey_alwaysRefused_evenWithConsentToNewKeys() throws Exception {
        SimHost p2 = hosts.get("p2");
        Files.writeString(knownHosts, Files.readString(knownHosts).replace(p2.knownHostsLine(p2.hostKey.getPublic()),
                p2.knownHostsLine(SimHost.ecKey().getPublic())));
        Installer.Report r = install(true, Map.of());
        assertFalse(r.ok());
        assertTrue(output.toString().contains("CHANGED"), output.toString());
        assertNothingChangedAnywhere();
    }

    @Test
    void unknownHostKey_refusedWithoutConsent_acceptedAndRememberedWithIt() throws Exception {
        Files.writeString(knownHosts, "");
        Installer.Report r = install(false, Map.of());
        assertFalse(r.ok());
        assertTrue(output.toString().contains("is not in"), output.toString());
        assertTrue(output.toString().contains("--accept-new-host-keys"), output.toString());
        assertNothingChangedAnywhere();
        assertTrue(install(true, Map.of()).ok(), output.toString());
        assertTrue(Files.readString(knownHosts).contains("[127.0.0.1]:" + hosts.get("p1").port()), "key remembered");
    }

    @Test
    void refusedLogin_saysWhereAndHowToFix_changesNothing() throws Exception {
        hosts.get("p1").close();
        hosts.put("p1", new SimHost("p1", tmp.resolve("hosts/p1"), null));
        Files.writeString(knownHosts, hosts.get("p1").knownHostsLine(hosts.get("p1").hostKey.getPublic()) + "\n", java.nio.file.StandardOpenOption.APPEND);
        Installer.Report r = install();
        assertFalse(r.ok());
        assertTrue(output.toString().contains("refused the login"), output.toString());
        assertTrue(output.toString().contains("authorized_keys"), output.toString());
        assertNothingChangedAnywhere();
        assertTrue(journal.rows().stream().anyMatch(x -> x.node().equals("p1") && x.step().equals("preflight")
                && x.outcome().startsWith("failed")), journal.rows().toString());
    }

    @Test
    void busyPort_preflightNamesNodePortAndFix() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.104.12", 17809));
            Installer.Report r = install();
            assertFalse(r.ok());
            assertTrue(output.toString().matches("(?s).*p2 +ports +FAILED +in use: NBD tcp 127.0.104.12:17809.*"), output.toString());
        }
        assertNothingChangedAnywhere();
    }

    @Test
    void missingBlockDevice_preflightFails() throws Exception {
        Path conf = tmp.resolve("conf/cluster.yaml");
        Files.writeString(conf, Files.readString(conf).replace("/srv/us/p2-vol0.img", "/dev/us104-missing"));
        cluster = ClusterConfigLoader.load(conf);
        assertFalse(install().ok());
        assertTrue(output.toString().matches("(?s).*p2 +volume vol0 +FAILED +/dev/us104-missing.*"), output.toString());
        assertNothingChangedAnywhere();
    }

    @Test
    void standbyWithoutRoom_preflightFails() throws Exception {
        cluster = writeCluster("8TiB");
        for (String p : List.of("p1", "p2")) {
            Path vol = on(p, "/srv/us/" + p + "-vol0.img");
            Files.createDirectories(vol.getParent());
            try (var f = new java.io.RandomAccessFile(vol.toFile(), "rw")) {
                f.setLength(8L << 40);
            }
        }
        assertFalse(install().ok());
        assertTrue(output.toString().matches("(?s).*standby +replica space +FAILED +16777216.0 MiB needed.*"), output.toString());
        assertFalse(Files.exists(on("standby", "/opt/understudy")));
    }

    private void assertNothingChangedAnywhere() {
        for (String n : hosts.keySet()) {
            assertFalse(Files.exists(on(n, "/opt/understudy")), n + " was changed: " + output);
            assertFalse(Files.exists(on(n, "/etc/understudy")), n + " was changed: " + output);
        }
    }

    /** Every file and link under every host: path -> size, mtime, link target. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (SimHost h : hosts.values()) {
            try (Stream<Path> s = Files.walk(h.root)) {
                for (Path p : s.toList()) {
                    String v = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
                            : Files.isDirectory(p) ? "dir" : Files.size(p) + " " + Files.getLastModifiedTime(p);
                    m.put(p.toString(), v);
                }
            }
        }
        return m;
    }

    @SuppressWarnings("unused")
    private static List<String> lines(String s) {
        return new ArrayList<>(s.lines().toList());
    }
}
