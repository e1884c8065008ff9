package org.understudy.failover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.health.CommandRunner;

/**
 * Runs a primary's failover command files: every executable regular file in a directory, in name order, each with
 * a timeout and the environment of {@link TakeoverTarget#environment}. All are run even if one fails; the result
 * says which failed. Also runs a single fencing command. Thread-safe.
 */
public final class CommandHooks {
    private static final Logger LOG = LogManager.getLogger(CommandHooks.class);
    private final CommandRunner runner = new CommandRunner();
    private final Duration timeout;

    public CommandHooks(Duration timeout) {
        this.timeout = timeout;
    }

    /** Runs every executable file in {@code dir} (absent or empty: skipped). */
    public StepResult runAll(Path dir, Map<String, String> env) {
        if (dir == null || !Files.isDirectory(dir)) {
            return StepResult.skipped("no failover command directory " + dir);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(Files::isExecutable).sorted().toList();
        } catch (IOException e) {
            return StepResult.failed("cannot list " + dir + ": " + e.getMessage());
        }
        if (files.isEmpty()) {
            return StepResult.skipped("no executable files in " + dir);
        }
        List<String> failures = new ArrayList<>();
        StringBuilder detail = new StringBuilder();
        for (Path f : files) {
            CommandRunner.Outcome o = runner.run(List.of(f.toString()), env, timeout);
            LOG.info("{}: failover command {} {}", env.get("UNDERSTUDY_PRIMARY"), f.getFileName(), o.describe());
            detail.append(detail.isEmpty() ? "" : "; ").append(f.getFileName()).append(": ").append(o.describe());
            if (!o.ok()) {
                failures.add(f.getFileName().toString());
            }
        }
        return failures.isEmpty() ? StepResult.ok(detail.toString())
                : StepResult.failed(failures.size() + " of " + files.size() + " failed: " + detail);
    }

    /** Runs one fencing command ({@code null} or empty: skipped). */
    public StepResult runFencing(List<String> command, Map<String, String> env) {
        if (command == null || command.isEmpty()) {
            return StepResult.skipped("no fencing command configured");
        }
        CommandRunner.Outcome o = runner.run(command, env, timeout);
        String d = "fencing command " + command.get(0) + " " + o.describe();
        return o.ok() ? StepResult.ok(d) : StepResult.failed(d);
    }
}
