package org.understudy.snmp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.snmp4j.agent.mo.MOAccessImpl;
import org.snmp4j.agent.mo.snmp.DisplayStringScalar;
import org.snmp4j.agent.request.SubRequest;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.understudy.config.SnmpConfig;
import org.understudy.storage.DurableFiles;

/**
 * MIB-II's system group as managers expect it: {@code sysName} is the node's name from the cluster file (read-only:
 * it is the node's identity); {@code sysContact} and {@code sysLocation} start from the cluster file
 * ({@code snmp.contact}, {@code snmp.location}), operators may SET them, and what they set is kept in
 * {@code STATEDIR/snmp-system.properties} (atomically, fsynced) and wins over the cluster file at the next start. They
 * replace SNMP4J's own in-memory scalars. Thread-safe (SNMP4J serialises SETs; the file is written under a lock).
 */
final class SystemGroup {
    private static final Logger LOG = LogManager.getLogger(SystemGroup.class);
    static final String FILE = "snmp-system.properties";
    static final OID SYS_CONTACT = new OID("1.3.6.1.2.1.1.4.0");
    static final OID SYS_NAME = new OID("1.3.6.1.2.1.1.5.0");
    static final OID SYS_LOCATION = new OID("1.3.6.1.2.1.1.6.0");

    private final String node;
    private final Path file;
    private final Properties saved;
    private final List<DisplayStringScalar<OctetString>> scalars;

    SystemGroup(String node, SnmpConfig.SystemInfo fromCluster, Path stateDir) {
        this.node = node;
        this.file = stateDir.resolve(FILE);
        this.saved = load(file);
        this.scalars = List.of(new Kept(SYS_CONTACT, "contact", fromCluster.contact()),
                new DisplayStringScalar<>(SYS_NAME, MOAccessImpl.ACCESS_READ_ONLY, new OctetString(node), 0, 255),
                new Kept(SYS_LOCATION, "location", fromCluster.location()));
        LOG.info("{}: SNMP system group: sysContact '{}', sysName '{}', sysLocation '{}' ({})", node,
                scalars.get(0).getValue(), scalars.get(1).getValue(), scalars.get(2).getValue(),
                saved.isEmpty() ? "from the cluster file" : "operator's values from " + file + " win");
    }

    /** sysContact, sysName, sysLocation. */
    List<DisplayStringScalar<OctetString>> scalars() {
        return scalars;
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                LOG.error("cannot read {}: {}; the cluster file's sysContact and sysLocation apply", file, e.toString());
                p.clear();
            }
        }
        return p;
    }

    private synchronized void keep(String key, OctetString value) {
        saved.setProperty(key, value.toString());
        try {
            Files.createDirectories(file.getParent());
            DurableFiles.storeProperties(file, saved, "Understudy: system group values set by SNMP operators");
            LOG.info("{}: SNMP operator set sys{} to '{}', kept in {}", node, capital(key), value, file);
        } catch (IOException e) {
            LOG.error("{}: sys{} set to '{}' but not kept ({}): a restart goes back to the previous value", node,
                    capital(key), value, e.toString());
        }
    }

    private static String capital(String key) {
        return Character.toUpperCase(key.charAt(0)) + key.substring(1);
    }

    /** One writable DisplayString (0..255) whose committed value is kept. */
    private final class Kept extends DisplayStringScalar<OctetString> {
        private final String key;

        Kept(OID oid, String key, String fallback) {
            super(oid, MOAccessImpl.ACCESS_READ_WRITE, new OctetString(saved.getProperty(key, fallback)), 0, 255);
            this.key = key;
        }

        @Override
        public void commit(SubRequest<?> request) {
            super.commit(request);
            if (request.getStatus().getErrorStatus() == 0) {
                keep(key, getValue());
            }
        }
    }
}
