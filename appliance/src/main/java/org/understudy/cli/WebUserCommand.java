package org.understudy.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.understudy.config.PasswordHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code understudy web-user NAME [--role R]}: reads a password (from the terminal without echo, or one line of
 * standard input) and prints the web login's line for the secrets file, with a salted PBKDF2 hash instead of the
 * password. Exit 0, or 2 for a password that is too short.
 */
@Command(name = "web-user", mixinStandardHelpOptions = true,
        description = {"Print a web console login for the secrets file (web.users): the password is read from the",
                "terminal (or one line of standard input) and only its salted PBKDF2 hash is printed."})
public final class WebUserCommand implements Callable<Integer> {
    /** Shortest web password accepted. */
    static final int MIN_PASSWORD = 12;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the login name")
    String name;

    @Option(names = "--role", defaultValue = "monitor", paramLabel = "ROLE",
            description = "monitor (reads every page) or operator (also runs actions); default: ${DEFAULT-VALUE}")
    String role;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!role.equals("monitor") && !role.equals("operator")) {
            err.println("web-user: --role must be monitor or operator, not '" + role + "'");
            err.flush();
            return StatusCommand.EXIT_CONFIG;
        }
        char[] password = read();
        try {
            if (password == null || password.length < MIN_PASSWORD) {
                err.println("web-user: the password must have at least " + MIN_PASSWORD + " characters");
                err.flush();
                return StatusCommand.EXIT_CONFIG;
            }
            out.println("    - { name: " + name + ", role: " + role + ", passwordHash: '"
                    + PasswordHash.create(password, new SecureRandom()).encoded() + "' }");
            out.flush();
            return 0;
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private static char[] read() throws IOException {
        Console c = System.console();
        if (c != null) {
            return c.readPassword("password for the web login: ");
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }
}
