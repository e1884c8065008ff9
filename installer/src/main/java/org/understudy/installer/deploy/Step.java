package org.understudy.installer.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import org.understudy.installer.ssh.Remote;

/**
 * One change the installer makes on a host: a script (with data on its standard input when it writes a file or
 * unpacks the distribution) and how to undo it, derived from what the script printed. Immutable.
 *
 * @param name     short name for the output and the event log ({@code push}, {@code config}, {@code start})
 * @param describe what it will do, for {@code --dry-run} and the output
 * @param script   the shell script (see {@link org.understudy.installer.ssh.Shell})
 * @param data     what to feed it, or null
 * @param undo     the script that undoes it, given its result; null when nothing is to be undone
 * @param cleanup  what to run when the step itself fails part-way (e.g. remove a half-pushed copy), or null
 */
public record Step(String name, String describe, String script, Data data, Function<Remote.Result, String> undo,
                   String cleanup) {
    public Step(String name, String describe, String script, Data data, Function<Remote.Result, String> undo) {
        this(name, describe, script, data, undo, null);
    }

    /** Opens the data a step feeds to its script, once per run of the step. */
    @FunctionalInterface
    public interface Data {
        InputStream open() throws IOException;
    }

    /** A step that changes nothing that needs undoing. */
    public static Step simple(String name, String describe, String script) {
        return new Step(name, describe, script, null, null);
    }
}
