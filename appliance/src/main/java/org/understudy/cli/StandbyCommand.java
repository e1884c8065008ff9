package org.understudy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the standby command is built. */
@Command(name = "standby", description = "not built yet")
public final class StandbyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("standby: not built yet");
        return 2;
    }
}
