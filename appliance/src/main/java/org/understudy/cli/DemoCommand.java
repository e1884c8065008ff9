package org.understudy.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the demo command is built. */
@Command(name = "demo", description = "not built yet")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("demo: not built yet");
        return 2;
    }
}
