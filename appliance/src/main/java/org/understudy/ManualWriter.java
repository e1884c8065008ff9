package org.understudy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes the distribution's manual pages ({@code man/man1/understudy.1}, {@code understudy-COMMAND.1}) and its
 * shell completion ({@code completion/understudy.bash}, which zsh sources too) from the picocli model of this build,
 * so they never drift from the commands. Run by the build: {@code java -cp lib/* ...ManualWriter DIST_DIR}.
 * Stateless.
 */
public final class ManualWriter {
    private static final String ENVIRONMENT = """
            .SH ENVIRONMENT
            .TP
            .B UNDERSTUDY_CONFIG
            The cluster file used when no \\fB\\-\\-config\\fR is given; without either,
            \\fI/etc/understudy/cluster.yaml\\fR.
            """;

    private ManualWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path dist = Path.of(args[0]);
        CommandLine root = Main.fullCommandLine();
        String version = root.getCommandSpec().version().length > 0 ? root.getCommandSpec().version()[0] : "understudy";
        Path man1 = Files.createDirectories(dist.resolve("man/man1"));
        Files.writeString(man1.resolve("understudy.1"), page(root, version));
        for (Map.Entry<String, CommandLine> sub : root.getSubcommands().entrySet()) {
            Files.writeString(man1.resolve("understudy-" + sub.getKey() + ".1"), page(sub.getValue(), version));
        }
        Path completion = Files.createDirectories(dist.resolve("completion"));
        Files.writeString(completion.resolve("understudy.bash"), AutoComplete.bash("understudy", root));
    }

    /** One command's page in man(7) format: name, synopsis, description, options, arguments, exit status. */
    static String page(CommandLine cl, String version) {
        CommandSpec spec = cl.getCommandSpec();
        String full = spec.qualifiedName(" ");
        String pageName = full.replace(' ', '-');
        StringBuilder sb = new StringBuilder();
        sb.append(".TH \"").append(pageName.toUpperCase(java.util.Locale.ROOT)).append("\" 1 \"\" \"")
                .append(esc(version)).append("\" \"Understudy Manual\"\n");
        sb.append(".SH NAME\n").append(esc(pageName)).append(" \\- ").append(esc(firstLine(spec))).append('\n');
        Help help = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF));
        sb.append(".SH SYNOPSIS\n.nf\n").append(esc(help.synopsis(0).replaceFirst("^Usage: ", "").strip()))
                .append("\n.fi\n");
        sb.append(".SH DESCRIPTION\n");
        for (String d : spec.usageMessage().description()) {
            sb.append(esc(d.replace("%n", "\n"))).append('\n');
        }
        if (!cl.getSubcommands().isEmpty()) {
            sb.append(".SH COMMANDS\n");
            cl.getSubcommands().forEach((name, sub) -> sb.append(".TP\n.B ").append(esc(name)).append('\n')
                    .append(esc(firstLine(sub.getCommandSpec()))).append(" See \\fBunderstudy\\-").append(esc(name))
                    .append("\\fR(1).\n"));
        }
        List<PositionalParamSpec> params = spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (!params.isEmpty()) {
            sb.append(".SH ARGUMENTS\n");
            for (PositionalParamSpec p : params) {
                sb.append(".TP\n.I ").append(esc(p.paramLabel())).append('\n')
                        .append(esc(String.join(" ", p.description()))).append('\n');
            }
        }
        sb.append(".SH OPTIONS\n");
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            sb.append(".TP\n");
            StringBuilder names = new StringBuilder();
            for (String n : o.names()) {
                names.append(names.isEmpty() ? "" : ", ").append("\\fB").append(esc(n)).append("\\fR");
            }
            if (o.arity().max() > 0) {
                names.append(" \\fI").append(esc(o.paramLabel())).append("\\fR");
            }
            sb.append(names).append('\n').append(esc(String.join(" ", o.description()))).append('\n');
        }
        Map<String, String> codes = spec.usageMessage().exitCodeList();
        sb.append(".SH EXIT STATUS\n");
        codes.forEach((code, meaning) -> sb.append(".TP\n.B ").append(esc(code.strip())).append('\n')
                .append(esc(meaning.strip())).append('\n'));
        sb.append(ENVIRONMENT);
        sb.append(".SH SEE ALSO\n");
        sb.append(spec.parent() == null ? "The README of the distribution; \\fBsnmpwalk\\fR(1) with mib/UNDERSTUDY-MIB.txt.\n"
                : "\\fBunderstudy\\fR(1)\n");
        return sb.toString();
    }

    private static String firstLine(CommandSpec spec) {
        String[] d = spec.usageMessage().description();
        return d.length == 0 ? "" : d[0].split("%n")[0];
    }

    /** Escapes text for troff: backslashes, hyphens in option names, and control characters at a line start. */
    static String esc(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.replace("\\", "\\e").replace("-", "\\-").split("\n", -1)) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(line.startsWith(".") || line.startsWith("'") ? "\\&" + line : line);
        }
        return sb.toString();
    }
}
