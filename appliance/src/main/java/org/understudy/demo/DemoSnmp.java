package org.understudy.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.understudy.config.Endpoint;
import org.understudy.config.SecretsGenerator;
import org.understudy.config.SnmpSecrets;
import org.understudy.config.SnmpUser;

/**
 * How to reach a demo node's SNMP agent: the {@code snmp} entry of {@code cluster.json} and the ready-to-paste
 * Net-SNMP command the demo prints. Stateless.
 */
public final class DemoSnmp {
    private DemoSnmp() {
    }

    /** Fills {@code o} with host, port and the demo's v3 users and passwords (operator and read-only). */
    public static void describe(ObjectNode o, Endpoint agent, SnmpSecrets secrets) {
        o.put("host", agent.host());
        o.put("port", agent.port());
        o.put("authProtocol", "SHA-256");
        o.put("privProtocol", "AES");
        secrets.user(SecretsGenerator.SNMP_OPERATOR).ifPresent(u -> user(o.putObject("operator"), u));
        secrets.user(SecretsGenerator.SNMP_MONITOR).ifPresent(u -> user(o.putObject("readOnly"), u));
    }

    private static void user(ObjectNode o, SnmpUser u) {
        o.put("user", u.name());
        o.put("authPassword", u.authPassword());
        o.put("privPassword", u.privPassword());
    }

    /** The MIB directories of the distribution, as Net-SNMP's {@code -M +dir:dir} wants them. */
    public static String mibDirs() {
        Path home = Path.of(System.getProperty("understudy.home", "."));
        Path mib = home.resolve("mib").toAbsolutePath().normalize();
        return mib + ":" + mib.resolve("base");
    }

    /** {@code snmpwalk} of the whole MIB as {@code user}, names resolved through UNDERSTUDY-MIB. */
    public static String walkCommand(Endpoint agent, SnmpUser user) {
        return "snmpwalk -v3 -l authPriv -u " + user.name() + " -a SHA-256 -A '" + user.authPassword() + "' -x AES -X '"
                + user.privPassword() + "' -M +" + mibDirs() + " -m UNDERSTUDY-MIB " + agent + " UNDERSTUDY-MIB::understudyMIB";
    }
}
