package org.understudy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the status command is built. */
@Command(name = "status", description = "not built yet")
public final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("status: not built yet");
        return 2;
    }
}
