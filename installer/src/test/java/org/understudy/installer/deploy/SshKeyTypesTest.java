package org.understudy.installer.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.understudy.installer.ssh.HostKeyRefusedException;
import org.understudy.installer.ssh.Remote;
import org.understudy.installer.ssh.SshConnector;

/**
 * The key types the installer's SSH client works with, against simulated hosts: Ed25519 logins (what
 * {@code ssh-keygen} makes by default) and Ed25519 host keys checked against known_hosts, alone and beside an
 * ECDSA host key as a stock sshd offers them, with known_hosts lines as OpenSSH writes them.
 */
class SshKeyTypesTest {
    @TempDir
    Path tmp;
    private final List<SimHost> hosts = new ArrayList<>();
    private final String user = System.getProperty("user.name");

    @AfterEach
    void tearDown() throws Exception {
        for (SimHost h : hosts) {
            h.close();
        }
    }

    @Test
    void ed25519Identity_logsIn() throws Exception {
        Path id = keygen("ed25519", tmp.resolve("id_ed25519"));
        SimHost h = host(publicOf(id), SimHost.ecKey());
        Path known = knownHosts(h.knownHostsLine(h.hostKey.getPublic()));
        assertEquals("ok", echo(connector(known, false, List.of(id)), h));
    }

    @Test
    void defaultIdentities_ed25519First_andItLogsIn() throws Exception {
        Path ssh = tmp.resolve("home/.ssh");
        Files.createDirectories(ssh);
        Path rsa = keygen("rsa", ssh.resolve("id_rsa"));
        Path ec = keygen("ecdsa", ssh.resolve("id_ecdsa"));
        Path ed = keygen("ed25519", ssh.resolve("id_ed25519"));
        SshConnector.Options d = SshConnector.Options.defaults(ssh, false, user);
        assertEquals(List.of(ed, ec, rsa), d.identities());
        SimHost h = host(publicOf(ed), SimHost.ed25519Key());
        Files.writeString(d.knownHosts(), h.knownHostsLine(h.hostKey.getPublic()) + "\n");
        try (SshConnector c = new SshConnector(d)) {
            assertEquals("ok", echo(c, h));
        }
    }

    @Test
    void ed25519HostKey_inKnownHosts_accepted() throws Exception {
        Path id = keygen("ed25519", tmp.resolve("id_ed25519"));
        SimHost h = host(publicOf(id), SimHost.ed25519Key());
        assertEquals("ok", echo(connector(knownHosts(h.knownHostsLine(h.hostKey.getPublic())), false, List.of(id)), h));
    }

    @Test
    void ed25519HostKey_unknown_refusedWithoutConsent_rememberedWithIt() throws Exception {
        Path id = keygen("ed25519", tmp.resolve("id_ed25519"));
        SimHost h = host(publicOf(id), SimHost.ed25519Key());
        Path known = knownHosts("");
        HostKeyRefusedException e = assertThrows(HostKeyRefusedException.class, () -> echo(connector(known, false, List.of(id)), h));
        assertTrue(e.getMessage().contains("is not in") && e.getMessage().contains("SHA256:"), e.getMessage());
        assertEquals("", Files.readString(known), "nothing remembered without consent");
        assertEquals("ok", echo(connector(known, true, List.of(id)), h));
        assertTrue(Files.readString(known).contains(h.knownHostsLine(h.hostKey.getPublic())), Files.readString(known));
        assertEquals("ok", echo(connector(known, false, List.of(id)), h), "remembered");
    }

    @Test
    void ed25519HostKey_changed_refusedEvenWithConsent() throws Exception {
        Path id = keygen("ed25519", tmp.resolve("id_ed25519"));
        SimHost h = host(publicOf(id), SimHost.ed25519Key());
        Path known = knownHosts(h.knownHostsLine(SimHost.ed25519Key().getPublic()));
        String before = Files.readString(known);
        HostKeyRefusedException e = assertThrows(HostKeyRefusedException.class, () -> echo(connector(known, true, List.of(id)), h));
        assertTrue(e.getMessage().contains("CHANGED"), e.getMessage());
        assertEquals(before, Files.readString(known), "known_hosts untouched");
    }

    /** A stock sshd offers ECDSA and Ed25519 host keys; OpenSSH's known_hosts may hold either, or both. */
    @Test
    void hostWithSeveralKeyTypes_acceptedWhicheverOfItsKeysKnownHostsHolds() throws Exception {
        Path id = keygen("ed25519", tmp.resolve("id_ed25519"));
        KeyPair ec = SimHost.ecKey();
        KeyPair ed = SimHost.ed25519Key();
        SimHost h = host(publicOf(id), ec, ed);
        for (KeyPair known : List.of(ed, ec)) {
            assertEquals("ok", echo(connector(knownHosts(h.knownHostsLine(known.getPublic())), false, List.of(id)), h),
                    known.getPublic().getAlgorithm());
        }
        assertEquals("ok", echo(connector(knownHosts(h.knownHostsLine(ec.getPublic()) + "\n"
                + h.knownHostsLine(ed.getPublic())), false, List.of(id)), h));
    }

    /** Debian's ssh_config hashes the host names OpenSSH writes to known_hosts ({@code HashKnownHosts yes}). */
    @Test
    void hostWithSeveralKeyTypes_hashedKnownHostsLineForItsEd25519Key_accepted() throws Exception {
        Path id = keygen("ed25519", tmp.resolve("id_ed25519"));
        KeyPair ed = SimHost.ed25519Key();
        SimHost h = host(publicOf(id), SimHost.ecKey(), ed);
        Path known = knownHosts(h.knownHostsLine(ed.getPublic()));
        Process hash = new ProcessBuilder("ssh-keygen", "-q", "-H", "-f", known.toString()).redirectErrorStream(true).start();
        assertEquals(0, hash.waitFor(), new String(hash.getInputStream().readAllBytes()));
        assertTrue(Files.readString(known).startsWith("|1|"), Files.readString(known));
        assertEquals("ok", echo(connector(known, false, List.of(id)), h));
    }

    @Test
    void hostWithSeveralKeyTypes_changedEd25519Key_refusedEvenWithConsent() throws Exception {
        Path id = keygen("ed25519", tmp.resolve("id_ed25519"));
        SimHost h = host(publicOf(id), SimHost.ecKey(), SimHost.ed25519Key());
        Path known = knownHosts(h.knownHostsLine(SimHost.ed25519Key().getPublic()));
        HostKeyRefusedException e = assertThrows(HostKeyRefusedException.class, () -> echo(connector(known, true, List.of(id)), h));
        assertTrue(e.getMessage().contains("CHANGED"), e.getMessage());
    }

    private SimHost host(PublicKey authorised, KeyPair... hostKeys) throws Exception {
        SimHost h = new SimHost("h" + hosts.size(), tmp.resolve("hosts/h" + hosts.size()), authorised, hostKeys);
        hosts.add(h);
        return h;
    }

    private Path knownHosts(String lines) throws Exception {
        Path f = Files.createTempFile(tmp, "known_hosts", "");
        Files.writeString(f, lines.isEmpty() ? "" : lines + "\n");
        return f;
    }

    private SshConnector connector(Path knownHosts, boolean acceptNew, List<Path> identities) {
        return new SshConnector(new SshConnector.Options(knownHosts, acceptNew, identities, user, Duration.ofSeconds(10)));
    }

    /** Logs in to {@code h} with {@code c} (closed after), runs {@code echo ok} there and returns what it printed. */
    private static String echo(SshConnector c, SimHost h) throws Exception {
        try (c; Remote r = c.connect(h.name, "127.0.0.1", h.port())) {
            Remote.Result res = r.run("echo ok", Duration.ofSeconds(10));
            assertTrue(res.ok(), res.text());
            return res.out().strip();
        }
    }

    private static Path keygen(String type, Path file) throws Exception {
        Process kg = new ProcessBuilder("ssh-keygen", "-q", "-t", type, "-N", "", "-C", "", "-f", file.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, kg.waitFor(), new String(kg.getInputStream().readAllBytes()));
        return file;
    }

    private static PublicKey publicOf(Path key) throws Exception {
        return PublicKeyEntry.parsePublicKeyEntry(Files.readString(Path.of(key + ".pub")).strip()).resolvePublicKey(null, null, null);
    }
}
