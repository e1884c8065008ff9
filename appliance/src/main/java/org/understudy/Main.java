package org.understudy;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.understudy.cli.CheckCommand;
import org.understudy.cli.CliExtension;
import org.understudy.cli.EventsCommand;
import org.understudy.cli.ExitCodes;
import org.understudy.cli.FailoverCommands;
import org.understudy.cli.LinkTestCommand;
import org.understudy.cli.RehearseCommand;
import org.understudy.cli.SnapshotCommands;
import org.understudy.cli.StatusCommand;
import org.understudy.cli.ThrottleCommand;
import org.understudy.cli.VerifyCommand;
import org.understudy.cli.WebUserCommand;
import org.understudy.daemon.NodeArguments;
import org.understudy.demo.DemoCommand;
import org.understudy.model.Version;
import org.understudy.primary.PrimaryCommand;
import org.understudy.standby.StandbyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/understudy}: the node roles and every operator command.
 *
 * <p>Subcommands are added lazily: a command line that names one gets a model with that one only, so a client
 * command does not pay for reflecting over every other command (the roles, the demo). The full model (help,
 * completion and manual generation) is {@link #fullCommandLine()}.
 */
@Command(name = "understudy", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "N+1 high availability: one standby protects many primaries.",
        exitCodeListHeading = ExitCodes.HEADING, exitCodeList = {ExitCodes.OK_LINE, ExitCodes.NOT_OK_LINE, ExitCodes.USAGE_LINE})
public final class Main implements Runnable {
    /** Every subcommand's name, in the order help lists them ({@link #subcommand} makes each). */
    private static final List<String> SUBCOMMANDS = List.of("primary", "standby", "demo", "fleet", "status", "check",
            "events", "failover", "switchover", "failback", "fence-clear", "autoswitch", "throttle", "verify",
            "link-test", "snapshot", "rehearse", "web-user");
    /** The options that only print the version. */
    private static final java.util.Set<String> VERSION_OPTIONS = java.util.Set.of("-V", "--version");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        lightPollers();
        // the primary agent's usual command line skips picocli (its model costs the agent some 170 classes)
        Optional<NodeArguments> primary = NodeArguments.of("primary", args);
        System.exit(primary.isPresent() ? runPrimary(primary.get()) : run(args));
    }

    /** The primary's run without picocli: a failure to run is reported as picocli reports one, exit code 1. */
    private static int runPrimary(NodeArguments args) {
        try {
            return PrimaryCommand.run(args.config(), args.node());
        } catch (RuntimeException e) {
            e.printStackTrace();
            return ExitCodes.NOT_OK;
        }
    }

    /**
     * The JDK's read and write pollers for virtual threads' sockets as two platform threads ({@code jdk.pollerMode=1})
     * rather than a virtual poller per carrier woken by a master poller (the default on Linux since JDK 22): a frame
     * reaching a standby link on a virtual thread then costs two thread wake-ups instead of three (measured: 1.6 vs
     * 3.2 per 4 KiB write, 80 vs 110 us of CPU). Set before any virtual thread touches a socket; an operator's own
     * {@code -Djdk.pollerMode} wins.
     */
    static void lightPollers() {
        if (System.getProperty("jdk.pollerMode") == null) {
            System.setProperty("jdk.pollerMode", "1");
        }
    }

    /** Runs a command line and returns its exit code (tests call this in-process). */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** Runs a command line writing to {@code out} and {@code err} instead of the process's streams (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(args).setOut(out).setErr(err).execute(args);
    }

    /** The whole command tree, every subcommand included (help, completion script, manual pages). */
    public static CommandLine fullCommandLine() {
        return commandLine();
    }

    /** A command line with only the subcommand {@code args} name, or every one when they name none. */
    private static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new Main());
        String first = args.length == 0 ? null : args[0];
        if (first != null && SUBCOMMANDS.contains(first)) {
            cl.addSubcommand(first, subcommand(first));
        } else if (args.length == 1 && VERSION_OPTIONS.contains(first)) {
            // the version needs no subcommand: building all of them (the roles, the demo, the installer's) costs
            // a few hundred classes
            return cl;
        } else {
            for (String name : SUBCOMMANDS) {
                cl.addSubcommand(name, subcommand(name));
            }
            // the installer's commands live in a module that depends on this one: found on the class path
            CliExtension.addAll(cl);
        }
        ExitCodes.addWhereMissing(cl);
        // after the subcommands: picocli applies a setting to the subcommands there are when it is set
        return cl.setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * A new instance of subcommand {@code name}, or null when there is none. A switch rather than a map of
     * constructor references: a reference links (and loads) its class when the map is built, so every command line
     * would load every command class; here only the one that runs is loaded.
     */
    private static Object subcommand(String name) {
        return switch (name) {
            case "primary" -> new PrimaryCommand();
            case "standby" -> new StandbyCommand();
            case "demo" -> new DemoCommand();
            case "fleet" -> new org.understudy.fleet.FleetCommand();
            case "status" -> new StatusCommand();
            case "check" -> new CheckCommand();
            case "events" -> new EventsCommand();
            case "failover" -> new FailoverCommands.Failover();
            case "switchover" -> new FailoverCommands.Switchover();
            case "failback" -> new FailoverCommands.Failback();
            case "fence-clear" -> new FailoverCommands.FenceClear();
            case "autoswitch" -> new FailoverCommands.Autoswitch();
            case "throttle" -> new ThrottleCommand();
            case "verify" -> new VerifyCommand();
            case "link-test" -> new LinkTestCommand();
            case "snapshot" -> new SnapshotCommands();
            case "rehearse" -> new RehearseCommand();
            case "web-user" -> new WebUserCommand();
            default -> null;
        };
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the build's version for {@code --version}. */
    public static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"understudy " + Version.current()};
        }
    }
}
