package org.understudy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The training run the distribution's build records the CLI's class-data archive from
 * ({@code java -XX:ArchiveClassesAtExit=lib/understudy-cli.jsa ... CdsTraining}): it runs the client commands end to
 * end against a one-shot HTTP responder on loopback that answers a canned status, so the archive holds the classes
 * a real {@code understudy status}, {@code check} and the operator commands load (picocli's model, the YAML cluster
 * file, the admin client, the JSON model, the formatters). Not a command; prints nothing unless something fails.
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        byte[] status;
        try (InputStream in = CdsTraining.class.getResourceAsStream("training-status.json")) {
            status = in.readAllBytes();
        }
        Path dir = Files.createTempDirectory("understudy-cds");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread responder = new Thread(() -> answer(server, status), "cds-training-http");
            responder.setDaemon(true);
            responder.start();
            Path cluster = writeCluster(dir, server.getLocalPort());
            // -Dverbose=true shows what the training commands print, to see that they worked
            PrintWriter sink = Boolean.getBoolean("verbose") ? new PrintWriter(System.out, true)
                    : new PrintWriter(Writer.nullWriter());
            String c = cluster.toString();
            Main.run(sink, sink, "--help");
            Main.run(sink, sink, "status", "--help");
            Main.run(sink, sink, "status", "--config", c);
            Main.run(sink, sink, "status", "--config", c, "--json");
            Main.run(sink, sink, "check", "--config", c);
            Main.run(sink, sink, "autoswitch", "--config", c);
            Main.run(sink, sink, "verify", "--config", c, "nobody", "vol0");
            Main.run(sink, sink, "events", "--config", c, "--limit", "5");
            Main.run(sink, sink, "status", "--config", dir.resolve("missing.yaml").toString());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Path writeCluster(Path dir, int port) throws IOException {
        Path secrets = dir.resolve("secrets.yaml");
        Files.writeString(secrets, """
                clusterKey: 3i7YllDaChxfHcbSb8Np3R1nUtfHrojgO0nuSnGlnwk=
                adminToken: training-token-0123456789
                snmp:
                  users:
                    - { name: ops, access: operator, authPassword: training-auth-0123, privPassword: training-priv-0123 }
                jmx:
                  users:
                    - { name: operator, password: 'training-password-0123456', role: operator }
                """);
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, """
                cluster:
                  name: training
                  secrets: secrets.yaml
                  snmp:
                    notify:
                      - { address: 127.0.0.1, port: 16162, version: v2c, community: t, type: trap }
                standby:
                  name: standby
                  address: 127.0.0.1
                  replication: { address: 127.0.0.1, port: 7700 }
                  admin: { address: 127.0.0.1, port: %d }
                  stateDir: state/standby
                  snmp: { address: 127.0.0.1, port: 16161 }
                  jmx: { address: 127.0.0.1, port: 17199 }
                primaries:
                  - name: p1
                    address: 127.0.0.2
                    nbdPort: 10809
                    admin: { address: 127.0.0.2, port: 7800 }
                    stateDir: state/p1
                    snmp: { address: 127.0.0.2, port: 16161 }
                    jmx: { address: 127.0.0.2, port: 17199 }
                    volumes:
                      - { name: vol0, file: data/p1/vol0.img, size: 8388608, mode: sync }
                """.formatted(port));
        return cluster;
    }

    /** Answers every request with the canned status (events get an empty list), closing each connection. */
    private static void answer(ServerSocket server, byte[] status) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                StringBuilder head = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0) {
                    head.append((char) b);
                    if (head.toString().endsWith("\r\n\r\n")) {
                        break;
                    }
                }
                String request = head.toString();
                int length = 0;
                for (String line : request.split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                byte[] body = request.startsWith("POST /api/events") ? "[]".getBytes(StandardCharsets.UTF_8) : status;
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (IOException | RuntimeException e) {
                // the server socket closed at the end of the training, or a request the training did not need
            }
        }
    }
}
