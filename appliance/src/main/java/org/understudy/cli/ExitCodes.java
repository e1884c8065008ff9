package org.understudy.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The exit codes every operator command shares, and the help section that lists them. A command whose codes differ
 * ({@code check}: Nagios's 0-3) declares its own list; every other command gets {@link #DEFAULTS} in its help, so no
 * help lacks an exit-code section. Stateless.
 */
public final class ExitCodes {
    /** 0: the command did what it was asked. */
    public static final int OK = 0;
    /** 1: refused, failed, or the node could not be reached. */
    public static final int NOT_OK = 1;
    /** 2: the configuration or the command line is wrong (picocli's own usage-error code too). */
    public static final int USAGE = 2;

    public static final String HEADING = "%nExit codes:%n";
    public static final String OK_LINE = "0:done: the node answered and the command succeeded";
    public static final String NOT_OK_LINE = "1:refused, failed, or the node is not running or not reachable";
    public static final String USAGE_LINE = "2:the cluster file or the command line is wrong";

    private ExitCodes() {
    }

    /** The exit-code lines as picocli's {@code exitCodeList} map. */
    static Map<String, String> defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : new String[] {OK_LINE, NOT_OK_LINE, USAGE_LINE}) {
            int colon = line.indexOf(':');
            m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return m;
    }

    /** Gives every command of the tree that declares no exit codes the shared ones. */
    public static void addWhereMissing(CommandLine cl) {
        UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        if (usage.exitCodeList().isEmpty()) {
            usage.exitCodeListHeading(HEADING).exitCodeList(defaults());
        }
        cl.getSubcommands().values().forEach(ExitCodes::addWhereMissing);
    }
}
