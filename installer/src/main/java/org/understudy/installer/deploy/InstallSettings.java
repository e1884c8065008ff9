package org.understudy.installer.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * How the installer reaches and lays out the targets, from {@code install.yaml} beside the cluster file (written by
 * {@code understudy setup}; every key optional). The cluster file says what the cluster is; this says where it goes.
 * Immutable.
 *
 * @param serviceUser the system user the nodes run as (created when missing)
 * @param installDir  where versions live ({@code versions/<id>/}) with the {@code current} link
 * @param configDir   where the cluster file, the secrets and each node's service settings go
 * @param unitDir     where systemd units go
 * @param sshUser     the login on every target (root, or a user with passwordless sudo)
 * @param sshPort     default SSH port
 * @param sshHosts    per node, the address (and {@code :port}) to reach it by SSH when it is not the node's address
 *                    (a primary's service address moves to the standby on failover; a management address does not)
 * @param clockSkew   largest clock difference allowed between the installer's host and a target
 */
public record InstallSettings(String serviceUser, String installDir, String configDir, String unitDir, String sshUser,
                             int sshPort, Map<String, String> sshHosts, Duration clockSkew) {
    public static final String FILE = "install.yaml";
    public static final InstallSettings DEFAULTS = new InstallSettings("understudy", "/opt/understudy", "/etc/understudy",
            "/etc/systemd/system", "root", 22, Map.of(), Duration.ofSeconds(2));
    private static final Set<String> KEYS = Set.of("serviceUser", "installDir", "configDir", "unitDir", "ssh", "clockSkew");

    public InstallSettings {
        sshHosts = Map.copyOf(sshHosts);
        for (String d : new String[] {installDir, configDir, unitDir}) {
            if (!d.startsWith("/")) {
                throw new IllegalArgumentException(FILE + ": directories must be absolute paths, not " + d);
            }
        }
        if (!serviceUser.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException(FILE + ": serviceUser '" + serviceUser + "' is not a valid user name");
        }
    }

    /** {@code install.yaml} beside {@code clusterFile}, or the defaults when there is none. */
    public static InstallSettings besides(Path clusterFile) throws IOException {
        Path f = clusterFile.toAbsolutePath().resolveSibling(FILE);
        return Files.isRegularFile(f) ? read(f) : DEFAULTS;
    }

    public static InstallSettings read(Path file) throws IOException {
        JsonNode root = new YAMLMapper().readTree(file.toFile());
        if (root == null || root.isNull() || root.isMissingNode()) {
            return DEFAULTS;
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IOException(file + ": unknown key '" + k + "' (known: " + KEYS + ")");
            }
        }
        InstallSettings d = DEFAULTS;
        JsonNode ssh = root.path("ssh");
        Map<String, String> hosts = new HashMap<>();
        ssh.path("hosts").fields().forEachRemaining(e -> hosts.put(e.getKey(), e.getValue().asText()));
        try {
            return new InstallSettings(root.path("serviceUser").asText(d.serviceUser()),
                    root.path("installDir").asText(d.installDir()), root.path("configDir").asText(d.configDir()),
                    root.path("unitDir").asText(d.unitDir()), ssh.path("user").asText(d.sshUser()),
                    ssh.path("port").asInt(d.sshPort()), hosts,
                    root.has("clockSkew") ? Duration.ofMillis(root.get("clockSkew").asLong()) : d.clockSkew());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The same settings with another service user (tests run as themselves). */
    public InstallSettings withServiceUser(String user) {
        return new InstallSettings(user, installDir, configDir, unitDir, sshUser, sshPort, sshHosts, clockSkew);
    }

    /** The same settings with other SSH addresses per node. */
    public InstallSettings withSshHosts(Map<String, String> hosts) {
        return new InstallSettings(serviceUser, installDir, configDir, unitDir, sshUser, sshPort, hosts, clockSkew);
    }

    /** {@code host} and {@code port} to reach {@code node} (whose address is {@code address}) by SSH. */
    public String[] sshTarget(String node, String address) {
        String h = sshHosts.getOrDefault(node, address);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(':') == colon) {
            return new String[] {h.substring(0, colon), h.substring(colon + 1)};
        }
        return new String[] {h, String.valueOf(sshPort)};
    }
}
