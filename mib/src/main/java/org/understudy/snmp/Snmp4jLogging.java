package org.understudy.snmp;

import org.snmp4j.log.JavaLogFactory;
import org.snmp4j.log.LogFactory;

/**
 * Routes SNMP4J's logging (silent by default) to Log4j 2: SNMP4J logs through java.util.logging, which the launcher
 * hands to Log4j 2 ({@code java.util.logging.manager} = log4j-jul's LogManager). Idempotent and thread-safe.
 */
final class Snmp4jLogging {
    private static boolean installed;

    private Snmp4jLogging() {
    }

    static synchronized void install() {
        if (!installed) {
            LogFactory.setLogFactory(new JavaLogFactory(false));
            installed = true;
        }
    }
}
