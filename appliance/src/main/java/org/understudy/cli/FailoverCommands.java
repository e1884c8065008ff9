package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;

/**
 * The failover operator commands: each asks the standby's command API ({@code POST /api/commands/NAME}) as the
 * local user through the CLI face, prints the answer and exits 0 when it is OK, 1 when it was refused, failed or
 * the standby could not be reached, 2 for a wrong configuration or command line.
 */
public final class FailoverCommands {
    private FailoverCommands() {
    }

    /** Shared by every failover command: the cluster file and the call to the standby. */
    abstract static class StandbyCall implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "the cluster file")
        Path config;

        /** The command API's name for it: the same as the CLI's. */
        String command() {
            return spec.name();
        }

        abstract Map<String, Object> fields();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            AdminClient client;
            try {
                ClusterConfig cluster = ClusterConfigLoader.load(config);
                client = AdminClient.forNode(cluster, cluster.standby().name());
            } catch (ConfigException e) {
                err.println(command() + ": invalid configuration in " + e.file() + ":");
                e.problems().forEach(p -> err.println("  " + p));
                err.flush();
                return StatusCommand.EXIT_CONFIG;
            }
            Map<String, Object> body = new LinkedHashMap<>(fields());
            body.put("actor", System.getProperty("user.name", "unknown"));
            body.put("via", "cli");
            try {
                JsonNode r = client.postJson("/api/commands/" + command(), body);
                String status = r.path("status").asText("FAILED");
                (status.equals("OK") ? out : err).println(command() + ": " + status + ": " + r.path("message").asText());
                out.flush();
                err.flush();
                return status.equals("OK") ? 0 : 1;
            } catch (AdminClientException e) {
                err.println(command() + ": " + e.getMessage());
                err.flush();
                return StatusCommand.EXIT_UNREACHABLE;
            }
        }
    }

    /** A command about one primary, named on the command line. */
    abstract static class OnePrimary extends StandbyCall {
        @Parameters(paramLabel = "PRIMARY", description = "the primary it is about")
        String primary;

        @Override
        Map<String, Object> fields() {
            return Map.of("primary", primary);
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Force a failover: the standby fences the primary and stands in for it now.")
    public static final class Failover extends OnePrimary {
        @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the event log")
        String reason;

        @Override
        Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("primary", primary);
            if (reason != null) {
                m.put("reason", reason);
            }
            return m;
        }
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true,
            description = "Planned handover: the primary drains, the standby catches up and stands in, no write lost.")
    public static final class Switchover extends OnePrimary {
    }

    @Command(name = "failback", mixinStandardHelpOptions = true,
            description = "Return the role to a repaired primary: it copies back what changed, then serves again.")
    public static final class Failback extends OnePrimary {
    }

    @Command(name = "fence-clear", mixinStandardHelpOptions = true,
            description = "Clear a primary's fence once you have made sure it is safe; it resyncs before protection.")
    public static final class FenceClear extends OnePrimary {
    }

    @Command(name = "autoswitch", mixinStandardHelpOptions = true,
            description = "Switch automatic failover on or off (off: data-vault mode, detection and alarms only).")
    public static final class Autoswitch extends StandbyCall {
        enum OnOff { ON, OFF }

        @Parameters(paramLabel = "on|off")
        OnOff mode;

        @Override
        Map<String, Object> fields() {
            return Map.of("enabled", mode == OnOff.ON);
        }
    }
}
