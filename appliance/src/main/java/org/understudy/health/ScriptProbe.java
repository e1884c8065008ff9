package org.understudy.health;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.understudy.script.ScriptRunner;

/**
 * A {@link ServiceProbe} running a configured probe script: exit 0 within the timeout means alive. The script gets
 * {@code UNDERSTUDY_PRIMARY} (the node probed) in its environment. Thread-safe.
 */
public final class ScriptProbe implements ServiceProbe {
    private final List<String> command;
    private final Duration timeout;
    private final ScriptRunner runner = new ScriptRunner();

    public ScriptProbe(List<String> command, Duration timeout) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("probe command is empty");
        }
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    @Override
    public Result probe(String node) {
        ScriptRunner.Outcome o = runner.run(command, Map.of("UNDERSTUDY_PRIMARY", node), timeout);
        return new Result(o.ok(), "probe command " + command.get(0) + " " + o.describe(), o.durationNanos());
    }
}
