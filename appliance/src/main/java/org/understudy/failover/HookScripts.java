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
import org.understudy.script.ScriptRunner;

/**
 * Runs the scripts a takeover calls out to: the primary's failover hooks (every executable regular file in its
 * directory, configured as {@code commandsDir}, in name order) and the fencing script ({@code fencingCommand}), each
 * with a timeout and the environment of {@link TakeoverTarget#environment}. All hooks run even if one fails; the
 * result says which failed. The step texts keep the words of the configuration keys ("fencing command", "failover
 * command directory") that operators read in the timeline. Thread-safe.
 */
public final class HookScripts {
    private static final Logger LOG = LogManager.getLogger(HookScripts.class);
    private final ScriptRunner runner = new ScriptRunner();
    private final Duration timeout;

    public HookScripts(Duration timeout) {
        this.timeout = timeout;
    }

    /** Runs every executable file in {@code dir}, the primary's failover hooks (absent or empty: skipped). */
    public StepResult runAll(Path dir, Map<String, String> env) {
        if (dir == null) {
            return StepResult.skipped("no failover hooks configured (failover.commandsDir)");
        }
        if (!Files.isDirectory(dir)) {
            return StepResult.skipped("no failover hooks: " + dir + " is not a directory");
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
            ScriptRunner.Outcome o = runner.run(List.of(f.toString()), env, timeout);
            LOG.info("{}: failover hook {} {}", env.get("UNDERSTUDY_PRIMARY"), f.getFileName(), o.describe());
            detail.append(detail.isEmpty() ? "" : "; ").append(f.getFileName()).append(": ").append(o.describe());
            if (!o.ok()) {
                failures.add(f.getFileName().toString());
            }
        }
        return failures.isEmpty() ? StepResult.ok(detail.toString())
                : StepResult.failed(failures.size() + " of " + files.size() + " failed: " + detail);
    }

    /** Runs the fencing script, one command line ({@code null} or empty: skipped). */
    public StepResult runFencing(List<String> command, Map<String, String> env) {
        if (command == null || command.isEmpty()) {
            return StepResult.skipped("no fencing command configured");
        }
        ScriptRunner.Outcome o = runner.run(command, env, timeout);
        String d = "fencing command " + command.get(0) + " " + o.describe();
        return o.ok() ? StepResult.ok(d) : StepResult.failed(d);
    }
}
