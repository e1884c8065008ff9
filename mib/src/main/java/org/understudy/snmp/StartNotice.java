package org.understudy.snmp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.snmp4j.mp.SnmpConstants;

/**
 * The notification an agent sends when it starts (RFC 3418): {@code coldStart} when its configuration may have
 * changed — the first start, or a cluster file whose SHA-256 differs from the one recorded at the last start
 * ({@code STATEDIR/snmp-config.sha256}) — else {@code warmStart}. Stateless.
 */
final class StartNotice {
    private static final Logger LOG = LogManager.getLogger(StartNotice.class);
    static final String FILE = "snmp-config.sha256";

    private StartNotice() {
    }

    static Notification of(Path clusterFile, Path stateDir) {
        String now = digest(clusterFile);
        Path record = stateDir.resolve(FILE);
        String before = null;
        try {
            before = Files.exists(record) ? Files.readString(record, StandardCharsets.US_ASCII).strip() : null;
            Files.writeString(record, now + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            LOG.warn("cannot read or record {}: {}; sending coldStart", record, e.toString());
        }
        boolean warm = now.equals(before) && !now.isEmpty();
        LOG.info("SNMP agent start: {} ({})", warm ? "warmStart" : "coldStart",
                before == null ? "first start" : warm ? "cluster file unchanged" : "cluster file changed");
        return new Notification(warm ? SnmpConstants.warmStart : SnmpConstants.coldStart, List.of());
    }

    private static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return "";
        }
    }
}
