package org.understudy.snmp;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real snmptrapd on a free loopback UDP port that logs every notification it accepts: v2c with one community and
 * v3 informs as one USM user. Its log is the test's evidence. Close it to stop the daemon.
 */
final class TrapReceiver implements AutoCloseable {
    final int port;
    private final Path log;
    private final Process process;

    TrapReceiver(Path dir, String community, String user, String auth, String priv) throws IOException, InterruptedException {
        this(dir, community, user, auth, priv, freePort());
    }

    /** Listens on {@code ports} (the first is {@link #port}), e.g. the demo's fixed trap and inform ports. */
    TrapReceiver(Path dir, String community, String user, String auth, String priv, int... ports)
            throws IOException, InterruptedException {
        this(dir, community, user, auth, priv, null, ports);
    }

    /**
     * With {@code engineIdHex} (the sending agent's engine ID), the user is also created for that engine, as v3 traps
     * need: the agent is authoritative for its traps.
     */
    TrapReceiver(Path dir, String community, String user, String auth, String priv, String engineIdHex, int... ports)
            throws IOException, InterruptedException {
        this(dir, "127.0.0.1", community, user, auth, priv, engineIdHex, ports);
    }

    /** Listens on {@code host} (e.g. a demo's 127.NET.0.1 trap host) at {@code ports}. */
    TrapReceiver(Path dir, String host, String community, String user, String auth, String priv, String engineIdHex,
                 int... ports) throws IOException, InterruptedException {
        port = ports[0];
        String listen = java.util.Arrays.stream(ports).mapToObj(p -> "udp:" + host + ":" + p)
                .collect(java.util.stream.Collectors.joining(","));
        Files.createDirectories(dir);
        Path conf = dir.resolve("snmptrapd.conf");
        Files.writeString(conf, "authCommunity log " + community + "\n"
                + "createUser " + user + " SHA-256 " + auth + " AES " + priv + "\n"
                + (engineIdHex == null ? "" : "createUser -e 0x" + engineIdHex + " " + user + " SHA-256 " + auth + " AES " + priv + "\n")
                + "authUser log " + user + " priv\n");
        log = dir.resolve("traps.log");
        Files.writeString(log, "");
        ProcessBuilder pb = new ProcessBuilder(List.of("snmptrapd", "-f", "-C", "-c", conf.toString(), "-m", "", "-On",
                "-Lf", log.toString(), listen)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("snmptrapd.out").toFile());
        pb.environment().putAll(NetSnmp.env());
        pb.environment().put("SNMP_PERSISTENT_DIR", dir.resolve("persist").toString());
        process = pb.start();
        long until = System.nanoTime() + 10_000_000_000L;
        while (!text().contains("NET-SNMP version")) {
            if (!process.isAlive() || System.nanoTime() > until) {
                throw new IllegalStateException("snmptrapd did not start: " + Files.readString(dir.resolve("snmptrapd.out")) + text());
            }
            Thread.sleep(20);
        }
    }

    static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    String text() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** How many logged notifications carry {@code trapOid} as snmpTrapOID. */
    long count(int[] trapOid) {
        String needle = ".1.3.6.1.6.3.1.1.4.1.0 = OID: ." + UnderstudyMib.dotted(trapOid) + "\t";
        String t = text().replace("\n", "\t");
        return t.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
