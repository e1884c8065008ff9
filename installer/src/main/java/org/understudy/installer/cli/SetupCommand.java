package org.understudy.installer.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.understudy.installer.setup.Setup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code understudy setup}: writes a validated cluster file, a secrets file (0600) and install.yaml. */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Write the cluster file, a secrets file with generated secrets (0600) and install.yaml: from"
                + " the answers to a few questions (Enter takes the default in brackets), or unattended from"
                + " --answers FILE. On an existing cluster file only what is asked (or answered) changes."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:files written and valid", "2:an answer is wrong; nothing was written"})
public final class SetupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--answers", paramLabel = "FILE", description = "Answers in YAML (see README: Installer-driven setup).")
    Path answers;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where cluster.yaml, secrets.yaml and install.yaml go (default: the current directory).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Setup setup = new Setup(dir.toAbsolutePath().normalize());
        try {
            if (answers != null) {
                setup.applyAnswers(answers);
            } else {
                setup.ask(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
            }
            out.println(setup.write());
            out.flush();
            return 0;
        } catch (Setup.Invalid e) {
            err.println("setup: " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
