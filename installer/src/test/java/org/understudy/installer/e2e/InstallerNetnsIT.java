package org.understudy.installer.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer-driven setup end to end, as root only: one standby and three primaries, each a network namespace
 * with a mount namespace of its own (private /opt, /etc/understudy and /var/lib/understudy) running Debian's OpenSSH
 * sshd (Ed25519 and ECDSA host keys, the Ed25519 one in known_hosts; an Ed25519 login), on a bridge of
 * 10.104.0.0/24, plus a client namespace. From the standby's namespaces: {@code setup --answers},
 * {@code install} (nodes start under the fallback, no systemd here; replicas sync), a client writes through p1's
 * {@code upgrade} to a rebuilt distribution with another version while clients write through p1's and p2's
 * addresses: zero client errors, the new version in {@code status}; then a client writes through p1's address, p1
 * dies and the (upgraded) standby takes its address and serves the data; finally {@code uninstall p3}. (Upgrading
 * while the standby stands in is refused: its restart would cut the stand-in's clients off.) Prints the figures (sync time, bytes per node, upgrade time, longest client pause).
 * Volumes are small unless {@code -Dinstaller.it.volumeMiB=N}.
 */
class InstallerNetnsIT {
    private static final String P = "us104";
    private static final List<String> HOSTS = List.of("sb", "p1", "p2", "p3");
    private static final Map<String, String> MGMT = Map.of("sb", "10.104.0.1", "p1", "10.104.0.11", "p2", "10.104.0.12",
            "p3", "10.104.0.13", "cl", "10.104.0.50");
    private static final String USER = "us104svc";
    private static final String NEW_VERSION = "0.1.0-upgrade-test";

    @TempDir
    Path tmp;
    private final List<Process> daemons = new ArrayList<>();
    private final Map<String, Long> sshdPid = new java.util.HashMap<>();
    private final List<Path> createdMountPoints = new ArrayList<>();

    @Test
    @Timeout(value = 20, unit = java.util.concurrent.TimeUnit.MINUTES)
    void setupInstallFailoverUpgradeUninstall_inNamespacesWithRealSshd() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces");
        for (String tool : List.of("/usr/sbin/sshd", "/usr/bin/qemu-io", "/usr/sbin/ip", "/usr/bin/nsenter", "/usr/bin/setpriv")) {
            Assumptions.assumeTrue(Files.isExecutable(Path.of(tool)), tool + " missing");
        }
        long volMiB = Long.getLong("installer.it.volumeMiB", 32);
        Path dist = Path.of(System.getProperty("understudy.dist", "target/understudy")).toAbsolutePath();
        try {
            cleanup();
            network();
            Path work = tmp.resolve("work");
            Files.createDirectories(work);
            Sh.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", work.resolve("id_ed25519").toString())).ok();
            StringBuilder known = new StringBuilder();
            for (String h : HOSTS) {
                known.append(MGMT.get(h)).append(' ').append(sshd(h, work)).append('\n');
            }
            Files.writeString(work.resolve("known_hosts"), known);
            prefillVolumes(volMiB);
            Files.writeString(work.resolve("answers.yaml"), answers(volMiB));
            launcher(dist, "setup", "--answers", work.resolve("answers.yaml").toString(), "--dir", work.toString()).ok();
            String cfg = work.resolve("cluster.yaml").toString();

            long t0 = System.nanoTime();
            Sh.Out install = launcher(dist, "install", "--config", cfg, "--known-hosts", work.resolve("known_hosts").toString(),
                    "-i", work.resolve("id_ed25519").toString());
            double installSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.println(install.text());
            assertEquals(0, install.exit(), install.text());
            assertTrue(install.text().contains("every replica in sync"), install.text());
            String bytes = line(install.text(), "bytes sent per node");
            Sh.Out events = launcher(dist, "events", "--config", cfg, "--primary", "p2");
            assertTrue(events.text().contains("install p2 push"), events.text());
            assertTrue(events.text().contains("install p2 start"), events.text());

            // a rebuilt distribution with another version string
            Path dist2 = tmp.resolve("dist2");
            copyTree(dist, dist2);
            rebuildWithVersion(dist2, NEW_VERSION);

            Process c1 = Sh.start(tmp.resolve("client-p1.log"), client("10.104.0.21"));
            Process c2 = Sh.start(tmp.resolve("client-p2.log"), client("10.104.0.22"));
            daemons.add(c1);
            daemons.add(c2);
            Sh.until(Duration.ofSeconds(60), "both clients write", () -> ops(tmp.resolve("client-p1.log")) > 3
                    && ops(tmp.resolve("client-p2.log")) > 3);
            long u0 = System.nanoTime();
            Sh.Out upgrade = launcher(dist2, "upgrade", "--config", cfg, "--known-hosts", work.resolve("known_hosts").toString(),
                    "-i", work.resolve("id_ed25519").toString());
            double upgradeSeconds = (System.nanoTime() - u0) / 1e9;
            System.out.println(upgrade.text());
            int before1 = ops(tmp.resolve("client-p1.log"));
            int before2 = ops(tmp.resolve("client-p2.log"));
            keep(tmp.resolve("client-p1.log"), tmp.resolve("client-p2.log"));
            Sh.until(Duration.ofSeconds(90), "clients write after the upgrade (logs in target/netns-it/; standby: "
                    + status(dist2, cfg, "standby") + ")", () -> ops(tmp.resolve("client-p1.log")) > before1 + 3
                    && ops(tmp.resolve("client-p2.log")) > before2 + 3);
            assertTrue(c1.isAlive() && c2.isAlive(), "a client ended early:\n" + tail(Files.readString(tmp.resolve("client-p1.log")))
                    + "\n" + tail(Files.readString(tmp.resolve("client-p2.log"))));
            c1.destroyForcibly().waitFor();
            c2.destroyForcibly().waitFor();
            keep(tmp.resolve("client-p1.log"), tmp.resolve("client-p2.log"));
            assertEquals(0, upgrade.exit(), upgrade.text());
            for (String n : List.of("standby", "p1", "p2", "p3")) {
                assertTrue(status(dist2, cfg, n).contains("version  " + NEW_VERSION), n + ": " + status(dist2, cfg, n));
            }
            String log1 = Files.readString(tmp.resolve("client-p1.log"));
            String log2 = Files.readString(tmp.resolve("client-p2.log"));
            assertFalse(log1.contains("failed") || log1.contains("error"), "client on p1's address:\n" + tail(log1));
            assertFalse(log2.contains("failed") || log2.contains("error"), "client on p2's address:\n" + tail(log2));

            // after the upgrade: a client writes through p1's service address; then p1's host "dies"
            String p1Vol = "driver=nbd,host=10.104.0.21,port=10809,export=vol0,reconnect-delay=30";
            Sh.run(Duration.ofSeconds(60), ns("cl", "qemu-io", "-t", "none", "--image-opts", p1Vol, "-c", "write -P 0x5a 0 1M")).ok();
            Sh.until(Duration.ofSeconds(60), "p1 PROTECTED", () -> status(dist2, cfg, "standby").matches("(?s).*p1 +PROTECTED.*"));
            long p1pid = Long.parseLong(Sh.run(nsenter("p1", "cat", "/var/lib/understudy/p1/service.pid")).ok().text().strip());
            Sh.run(List.of("kill", "-KILL", String.valueOf(p1pid))).ok();
            Sh.run(ns("p1", "ip", "addr", "del", "10.104.0.21/24", "dev", "eth0")).ok();
            Sh.until(Duration.ofSeconds(30), "the standby holds 10.104.0.21", () ->
                    quiet(ns("sb", "ip", "-4", "addr", "show", "dev", "eth0")).contains("10.104.0.21/24"));
            // the address comes a step before the exports (take-over-identity, then serve-volumes): a new client
            // connects once the standby says it stands in
            Sh.until(Duration.ofSeconds(30), "the standby stands in for p1", () ->
                    status(dist2, cfg, "standby").matches("(?s).*p1 +STANDING_IN.*"));
            Sh.run(Duration.ofSeconds(60), ns("cl", "qemu-io", "-t", "none", "--image-opts", p1Vol, "-c", "read -P 0x5a 0 1M")).ok();
            Sh.Out refused = launcher(dist2, "upgrade", "--config", cfg, "--known-hosts", work.resolve("known_hosts").toString(),
                    "-i", work.resolve("id_ed25519").toString());
            assertEquals(1, refused.exit(), refused.text());
            assertTrue(refused.text().contains("stands in for p1"), refused.text());

            Sh.Out un = launcher(dist2, "uninstall", "p3", "--config", cfg, "--known-hosts", work.resolve("known_hosts").toString(),
                    "-i", work.resolve("id_ed25519").toString());
            assertEquals(0, un.exit(), un.text());
            assertFalse(Files.exists(tmp.resolve("hosts/p3/opt/versions")), "p3's versions removed");
            assertTrue(Files.exists(tmp.resolve("hosts/p3/varlib/p3")), "p3's state kept");
            assertTrue(launcher(dist2, "events", "--config", cfg, "--primary", "p3").text().contains("uninstall p3 files"));

            System.out.printf(Locale.ROOT, "FIGURES: 3 primaries x 2 volumes of %d MiB: install to every replica in sync %.1f s;"
                    + " %s; rolling upgrade %.1f s; longest client pause %.2f s (p2's address),"
                    + " %.2f s (p1's address)%n", volMiB, installSeconds, bytes,
                    upgradeSeconds, maxPause(log2), maxPause(log1));
        } finally {
            for (Process p : daemons) {
                p.destroyForcibly().waitFor();
            }
            cleanup();
        }
    }

    private String answers(long volMiB) {
        StringBuilder a = new StringBuilder("cluster: netns104\nstandby: { name: standby, address: 10.104.0.1 }\nprimaries:\n");
        for (int i = 1; i <= 3; i++) {
            a.append("  - { name: p").append(i).append(", address: 10.104.0.2").append(i).append(", ssh: 10.104.0.1").append(i)
                    .append(", volumes: [ { name: vol0, file: /var/lib/understudy/volumes/p").append(i).append("-vol0.img, size: ")
                    .append(volMiB).append("MiB }, { name: vol1, file: /var/lib/understudy/volumes/p").append(i)
                    .append("-vol1.img, size: ").append(volMiB).append("MiB } ] }\n");
        }
        return a.append("identity: ip\ndevice: eth0\nprefix: 24\nserviceUser: ").append(USER).append('\n').toString();
    }

    /** Random data in every volume, so the initial sync has something to copy. */
    private void prefillVolumes(long volMiB) throws IOException {
        Random r = new Random(104);
        byte[] buf = new byte[1 << 20];
        for (int i = 1; i <= 3; i++) {
            Path dir = tmp.resolve("hosts/p" + i + "/varlib/volumes");
            Files.createDirectories(dir);
            for (String v : List.of("vol0", "vol1")) {
                try (var out = Files.newOutputStream(dir.resolve("p" + i + "-" + v + ".img"))) {
                    for (long m = 0; m < volMiB; m++) {
                        r.nextBytes(buf);
                        out.write(buf);
                    }
                }
            }
        }
    }

    /**
     * One qemu-io writing 64 KiB every 50 ms through the address (reconnecting on its own, as FailoverIT's client
     * does) for about 8 minutes, or until killed; each write prints its own duration.
     */
    private static List<String> client(String address) {
        List<String> l = new ArrayList<>(ns("cl", "qemu-io", "-t", "none", "--image-opts",
                "driver=nbd,host=" + address + ",port=10809,export=vol1,reconnect-delay=60"));
        for (int i = 0; i < 8000; i++) {
            int n = i % 400;
            l.addAll(List.of("-c", "write -P " + (n % 200 + 1) + " " + n * 65536L + " 64k", "-c", "sleep 50"));
        }
        return l;
    }

    /** qemu-io's "64 KiB, 1 ops; 00.00 sec (17.396 MiB/sec and 278.3286 ops/sec)": one write took 1/278.3 s. */
    private static final Pattern OP = Pattern.compile("and ([0-9.]+) ops/sec");

    private static int ops(Path log) {
        try {
            return (int) Files.readString(log).lines().filter(l -> l.contains("ops/sec")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static double maxPause(String log) {
        double max = 0;
        Matcher m = OP.matcher(log);
        while (m.find()) {
            max = Math.max(max, 1 / Double.parseDouble(m.group(1)));
        }
        return max;
    }

    /** Copies the client logs to target/netns-it/ (the temporary directory goes with the test). */
    private static void keep(Path... logs) {
        try {
            Path dir = Path.of("target/netns-it");
            Files.createDirectories(dir);
            for (Path l : logs) {
                Files.copy(l, dir.resolve(l.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.out.println("could not keep the client logs: " + e);
        }
    }

    private static String tail(String s) {
        List<String> l = s.lines().toList();
        return String.join("\n", l.subList(Math.max(0, l.size() - 30), l.size()));
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(prefix + ": ?");
    }

    /** Runs the launcher of {@code dist} inside the standby's network and mount namespaces. */
    private Sh.Out launcher(Path dist, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(nsenter("sb", dist.resolve("bin/understudy").toString()));
        cmd.addAll(List.of(args));
        return Sh.run(Duration.ofMinutes(10), cmd);
    }

    private String status(Path dist, String cfg, String node) {
        try {
            return launcher(dist, "status", "--config", cfg, "--node", node).text();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String quiet(List<String> cmd) {
        try {
            return Sh.run(cmd).text();
        } catch (Exception e) {
            return "";
        }
    }

    /** Enters host {@code h}'s network and mount namespaces (those of its sshd). */
    private List<String> nsenter(String h, String... cmd) {
        List<String> l = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(sshdPid.get(h)), "-n", "-m", "--"));
        l.addAll(List.of(cmd));
        return l;
    }

    private static List<String> ns(String h, String... cmd) {
        List<String> l = new ArrayList<>(List.of("ip", "netns", "exec", P + "-" + h));
        l.addAll(List.of(cmd));
        return l;
    }

    private void network() throws Exception {
        Sh.run(List.of("ip", "netns", "add", P + "-br")).ok();
        Sh.run(ns("br", "ip", "link", "add", "br0", "type", "bridge")).ok();
        Sh.run(ns("br", "ip", "link", "set", "br0", "up")).ok();
        for (String h : List.of("sb", "p1", "p2", "p3", "cl")) {
            Sh.run(List.of("ip", "netns", "add", P + "-" + h)).ok();
            Sh.run(List.of("ip", "link", "add", "eth0", "netns", P + "-" + h, "type", "veth", "peer", "name", "b-" + h,
                    "netns", P + "-br")).ok();
            Sh.run(ns("br", "ip", "link", "set", "b-" + h, "master", "br0", "up")).ok();
            Sh.run(ns(h, "ip", "addr", "add", MGMT.get(h) + "/24", "dev", "eth0")).ok();
            if (h.startsWith("p")) {
                Sh.run(ns(h, "ip", "addr", "add", "10.104.0.2" + h.substring(1) + "/24", "dev", "eth0")).ok();
            }
            Sh.run(ns(h, "ip", "link", "set", "eth0", "up")).ok();
            Sh.run(ns(h, "ip", "link", "set", "lo", "up")).ok();
        }
    }

    /** Starts host {@code h}'s sshd in its namespaces with private /opt, /etc/understudy, /var/lib/understudy. */
    private String sshd(String h, Path work) throws Exception {
        Path home = tmp.resolve("hosts/" + h);
        for (String d : List.of("opt", "etc", "varlib")) {
            Files.createDirectories(home.resolve(d));
        }
        for (String mp : List.of("/etc/understudy", "/var/lib/understudy")) {
            if (!Files.exists(Path.of(mp))) {
                Files.createDirectories(Path.of(mp));
                createdMountPoints.add(Path.of(mp));
            }
        }
        Files.createDirectories(Path.of("/run/sshd"));
        // host keys of two types, as a stock sshd has them; known_hosts gets the Ed25519 one, as OpenSSH records it
        Sh.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", home.resolve("host_key").toString())).ok();
        Sh.run(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-f", home.resolve("host_key_ecdsa").toString())).ok();
        Files.copy(work.resolve("id_ed25519.pub"), home.resolve("authorized_keys"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(home.resolve("sshd_config"), String.join("\n",
                "ListenAddress " + MGMT.get(h), "Port 22", "HostKey " + home.resolve("host_key_ecdsa"),
                "HostKey " + home.resolve("host_key"),
                "PidFile " + home.resolve("sshd.pid"), "AuthorizedKeysFile " + home.resolve("authorized_keys"),
                "PermitRootLogin prohibit-password", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "UsePAM no", "StrictModes no", "UseDNS no", "PrintMotd no", "") );
        String script = "mount --make-rprivate / && mount --bind " + home.resolve("opt") + " /opt && mount --bind "
                + home.resolve("etc") + " /etc/understudy && mount --bind " + home.resolve("varlib")
                + " /var/lib/understudy && exec /usr/sbin/sshd -D -e -f " + home.resolve("sshd_config");
        Process p = Sh.start(tmp.resolve("sshd-" + h + ".log"), ns(h, "unshare", "--mount", "sh", "-c", script));
        daemons.add(p);
        Sh.until(Duration.ofSeconds(20), h + "'s sshd listens", () -> Files.exists(home.resolve("sshd.pid")));
        sshdPid.put(h, Long.parseLong(Files.readString(home.resolve("sshd.pid")).strip()));
        return Files.readString(home.resolve("host_key.pub")).strip().replaceAll("\\s+\\S+$", "");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(d, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** The same build with another version string in the appliance jar, as a release build would carry. */
    private static void rebuildWithVersion(Path dist, String version) throws IOException {
        Path jar;
        try (Stream<Path> s = Files.list(dist.resolve("lib"))) {
            jar = s.filter(p -> p.getFileName().toString().startsWith("understudy-appliance-")).findFirst().orElseThrow();
        }
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Files.writeString(fs.getPath("org/understudy/version.properties"), "version=" + version + "\n");
        }
    }

    /** Kills what runs in this test's namespaces, deletes them (their veths and bridge go too), the user, mount points. */
    private void cleanup() throws Exception {
        for (String h : List.of("sb", "p1", "p2", "p3", "cl", "br")) {
            String pids = quiet(List.of("ip", "netns", "pids", P + "-" + h)).strip();
            for (String pid : pids.split("\\s+")) {
                if (!pid.isBlank()) {
                    quiet(List.of("kill", "-KILL", pid));
                }
            }
            quiet(List.of("ip", "netns", "del", P + "-" + h));
        }
        quiet(List.of("userdel", USER));
        for (Path mp : createdMountPoints) {
            Files.deleteIfExists(mp);
        }
        createdMountPoints.clear();
    }
}
