package org.understudy.daemon;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every node role takes: which cluster file, and which of its nodes this process is. */
public final class NodeOptions {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the cluster file (YAML)")
    public Path config;

    @Option(names = "--node", required = true, paramLabel = "NAME", description = "which node of the cluster file this process is")
    public String node;
}
