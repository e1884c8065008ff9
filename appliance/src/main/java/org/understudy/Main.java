package org.understudy;

import java.io.PrintWriter;
import org.understudy.demo.DemoCommand;
import org.understudy.cli.CliExtension;
import org.understudy.cli.EventsCommand;
import org.understudy.cli.FailoverCommands;
import org.understudy.cli.LinkTestCommand;
import org.understudy.primary.PrimaryCommand;
import org.understudy.standby.StandbyCommand;
import org.understudy.cli.StatusCommand;
import org.understudy.cli.ThrottleCommand;
import org.understudy.cli.VerifyCommand;
import org.understudy.model.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/understudy}: the node roles and every operator command. */
@Command(name = "understudy", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "N+1 high availability: one standby protects many primaries.",
        subcommands = {PrimaryCommand.class, StandbyCommand.class, DemoCommand.class, StatusCommand.class, EventsCommand.class,
                FailoverCommands.Failover.class, FailoverCommands.Switchover.class, FailoverCommands.Failback.class,
                FailoverCommands.FenceClear.class, FailoverCommands.Autoswitch.class,
                ThrottleCommand.class, VerifyCommand.class, LinkTestCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this in-process). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs a command line writing to {@code out} and {@code err} instead of the process's streams (for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return commandLine().setOut(out).setErr(err).execute(args);
    }

    private static CommandLine commandLine() {
        return CliExtension.addAll(new CommandLine(new Main())).setCaseInsensitiveEnumValuesAllowed(true);
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
