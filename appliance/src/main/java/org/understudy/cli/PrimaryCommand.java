package org.understudy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the primary command is built. */
@Command(name = "primary", description = "not built yet")
public final class PrimaryCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("primary: not built yet");
        return 2;
    }
}
