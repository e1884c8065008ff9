package org.understudy.daemon;

import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Points Log4j 2's rolling file at the node's state directory. {@code conf/log4j2.yaml} adds the file appender only
 * when {@code understudy.logDir} is set, so operator commands write no files; a node sets it, then reconfigures.
 */
public final class NodeLogging {
    private NodeLogging() {
    }

    /** Sends this process's logs to {@code stateDir/logs/<node>.log} from now on. */
    public static void toStateDir(Path stateDir, String nodeName) {
        System.setProperty("understudy.logDir", stateDir.resolve("logs").toAbsolutePath().toString());
        System.setProperty("understudy.node", nodeName);
        if (LogManager.getContext(false) instanceof LoggerContext ctx) {
            ctx.reconfigure();
        }
    }
}
