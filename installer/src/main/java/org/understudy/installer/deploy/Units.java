package org.understudy.installer.deploy;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.understudy.admin.AdminClient;

/**
 * The service files of one node: its env file (read by {@code bin/understudy-service}, the start/stop script for both
 * systemd and the fallback) and its hardened systemd unit: a dedicated user, a read-only system
 * ({@code ProtectSystem=strict}) with write access only to the state directory and the volumes, no capabilities
 * except {@code CAP_NET_ADMIN} and {@code CAP_NET_RAW} on a standby that takes addresses with {@code identity: ip}.
 * Stateless.
 */
public final class Units {
    private Units() {
    }

    /** The capabilities the node needs, comma-separated for setpriv (empty: none). */
    static String caps(Target t) {
        return t.needsNetAdmin() ? "net_admin,net_raw" : "";
    }

    /**
     * @param fingerprint digest of the configuration this node depends on: a change restarts the node (a primary
     *                    is not restarted when only another primary's part of the cluster file changed)
     */
    public static String env(Target t, boolean systemd, String fingerprint) {
        var admin = AdminClient.baseUri(t.node());
        return "# Understudy node " + t.name() + ", written by `understudy install`; read by bin/understudy-service\n"
                + "UNDERSTUDY_NODE=" + t.name() + "\n"
                + "UNDERSTUDY_ROLE=" + t.role() + "\n"
                + "UNDERSTUDY_CONFIG=" + t.clusterFile() + "\n"
                + "UNDERSTUDY_STATE_DIR=" + t.stateDir() + "\n"
                + "UNDERSTUDY_USER=" + t.settings().serviceUser() + "\n"
                + "UNDERSTUDY_CAPS=" + caps(t) + "\n"
                + "UNDERSTUDY_ADMIN=" + admin.getHost() + ":" + admin.getPort() + "\n"
                + "UNDERSTUDY_MANAGER=" + (systemd ? "systemd" : "fallback") + "\n"
                + "UNDERSTUDY_UNIT=" + t.unitName() + "\n"
                + "UNDERSTUDY_CONFIG_DIGEST=" + fingerprint + "\n";
    }

    public static String unit(Target t) {
        boolean block = t.volumes().stream().anyMatch(v -> v.path().startsWith("/dev/"));
        Set<String> writable = new LinkedHashSet<>();
        writable.add(t.stateDir());
        for (Target.Volume v : t.volumes()) {
            writable.add(v.path().startsWith("/dev/") ? v.path() : Path.of(v.path()).getParent().toString());
        }
        String capLine = caps(t).isEmpty() ? "" : "CAP_NET_ADMIN CAP_NET_RAW";
        String user = t.settings().serviceUser();
        StringBuilder u = new StringBuilder();
        u.append("# Understudy ").append(t.role()).append(" ").append(t.name()).append(", written by `understudy install`\n")
                .append("[Unit]\n")
                .append("Description=Understudy ").append(t.role()).append(" ").append(t.name()).append('\n')
                .append("After=network-online.target\nWants=network-online.target\n\n")
                .append("[Service]\nType=simple\n")
                .append("User=").append(user).append("\nGroup=").append(user).append('\n');
        if (block) {
            u.append("SupplementaryGroups=disk\n");
        }
        u.append("ExecStart=").append(t.current()).append("/bin/understudy ").append(t.role()).append(" --config ")
                .append(t.clusterFile()).append(" --node ").append(t.name()).append('\n')
                .append("Restart=on-failure\nRestartSec=2s\nTimeoutStopSec=30s\nLimitNOFILE=65536\nUMask=0027\n")
                .append("# hardening: the node writes only its state directory and its volumes\n")
                .append("NoNewPrivileges=yes\nProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\n")
                .append(block ? "" : "PrivateDevices=yes\n")
                .append("ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectKernelLogs=yes\n")
                .append("ProtectControlGroups=yes\nProtectClock=yes\nProtectHostname=yes\nRestrictSUIDSGID=yes\n")
                .append("RestrictRealtime=yes\nRestrictNamespaces=yes\nLockPersonality=yes\n")
                .append("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6").append(capLine.isEmpty() ? "" : " AF_NETLINK AF_PACKET")
                .append('\n')
                .append("ReadWritePaths=").append(String.join(" ", writable)).append('\n')
                .append("CapabilityBoundingSet=").append(capLine).append('\n')
                .append("AmbientCapabilities=").append(capLine).append('\n')
                .append("\n[Install]\nWantedBy=multi-user.target\n");
        return u.toString();
    }
}
