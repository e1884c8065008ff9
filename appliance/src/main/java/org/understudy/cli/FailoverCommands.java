package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The failover operator commands: each asks the standby's command API ({@code POST /api/commands/NAME}) as the
 * local user through the CLI face, prints the answer and exits 0 when it is OK, 1 when it was refused, failed or
 * the standby could not be reached, 2 for a wrong configuration or command line. Long ones (failover, switchover,
 * failback) show each step as it happens ({@link StepFollower}).
 */
public final class FailoverCommands {
    private FailoverCommands() {
    }

    /** Shared by every failover command: the cluster file and the call to the standby. */
    abstract static class StandbyCall implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ClusterFile clusterFile;

        /** The command API's name for it: the same as the CLI's. */
        String command() {
            return spec.name();
        }

        abstract Map<String, Object> fields();

        /** Checks the arguments against the cluster; says which one is wrong and returns false if one is. */
        boolean valid(ClusterConfig cluster, PrintWriter err) {
            return true;
        }

        /** Whether the command runs long enough to show its steps as they happen. */
        boolean followSteps() {
            return false;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ClusterConfig cluster = clusterFile.load(command(), err);
            if (cluster == null || !valid(cluster, err)) {
                return ExitCodes.USAGE;
            }
            AdminClient client;
            try {
                client = AdminClient.forNode(cluster, cluster.standby().name());
            } catch (ConfigException e) {
                err.println(command() + ": " + String.join("; ", e.problems()));
                err.flush();
                return ExitCodes.USAGE;
            }
            return call(cluster, client, out, err);
        }

        int call(ClusterConfig cluster, AdminClient client, PrintWriter out, PrintWriter err) {
            Map<String, Object> body = new LinkedHashMap<>(fields());
            body.put("actor", System.getProperty("user.name", "unknown"));
            body.put("via", "cli");
            try (StepFollower steps = followSteps() ? StepFollower.start(client, command(), primaryName(), out)
                    : StepFollower.NONE) {
                JsonNode r = client.postJson("/api/commands/" + command(), body);
                steps.finish(r);
                String status = r.path("status").asText("FAILED");
                (status.equals("OK") ? out : err).println(command() + ": " + status + ": " + r.path("message").asText());
                out.flush();
                err.flush();
                return status.equals("OK") ? ExitCodes.OK : ExitCodes.NOT_OK;
            } catch (AdminClientException e) {
                err.println(command() + ": " + e.getMessage() + clusterFile.unreachableNote(e));
                err.flush();
                return ExitCodes.NOT_OK;
            }
        }

        String primaryName() {
            return null;
        }
    }

    /** A command about one primary, named on the command line. */
    abstract static class OnePrimary extends StandbyCall {
        @Parameters(paramLabel = "PRIMARY", description = "The primary it is about.")
        String primary;

        @Override
        Map<String, Object> fields() {
            return Map.of("primary", primary);
        }

        @Override
        boolean valid(ClusterConfig cluster, PrintWriter err) {
            return CommandPoster.primary(command(), cluster, primary, err) != null;
        }

        @Override
        String primaryName() {
            return primary;
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Force a failover: the standby fences the primary and stands in for it now.")
    public static final class Failover extends OnePrimary {
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the event log.")
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

        @Override
        boolean followSteps() {
            return true;
        }
    }

    @Command(name = "switchover", mixinStandardHelpOptions = true,
            description = "Planned handover: the primary drains, the standby catches up and stands in, no write lost.")
    public static final class Switchover extends OnePrimary {
        @Override
        boolean followSteps() {
            return true;
        }
    }

    @Command(name = "failback", mixinStandardHelpOptions = true,
            description = "Return the role to a repaired primary: it copies back what changed, then serves again.")
    public static final class Failback extends OnePrimary {
        @Override
        boolean followSteps() {
            return true;
        }
    }

    @Command(name = "fence-clear", mixinStandardHelpOptions = true,
            description = "Clear a primary's fence once you have made sure it is safe; it resyncs before protection.")
    public static final class FenceClear extends OnePrimary {
    }

    @Command(name = "autoswitch", mixinStandardHelpOptions = true,
            description = "Switch automatic failover on or off (off: data-vault mode, detection and alarms only);"
                    + " without an argument, say what is in force and where it came from.")
    public static final class Autoswitch extends StandbyCall {
        enum OnOff { ON, OFF }

        @Parameters(paramLabel = "on|off", arity = "0..1", description = "The new setting; none: show the current one.")
        OnOff mode;

        @Override
        Map<String, Object> fields() {
            return Map.of("enabled", mode == OnOff.ON);
        }

        @Override
        int call(ClusterConfig cluster, AdminClient client, PrintWriter out, PrintWriter err) {
            if (mode != null) {
                return super.call(cluster, client, out, err);
            }
            try {
                JsonNode f = client.getJson("/api/status").path("failover");
                String origin = f.path("autoFailoverOrigin").asText("");
                out.println("autoswitch: " + (f.path("autoFailover").asBoolean() ? "on" : "off (vault mode)")
                        + (origin.isEmpty() ? "" : ", from " + origin));
                out.flush();
                return ExitCodes.OK;
            } catch (AdminClientException e) {
                err.println("autoswitch: " + e.getMessage() + clusterFile.unreachableNote(e));
                err.flush();
                return ExitCodes.NOT_OK;
            }
        }
    }
}
