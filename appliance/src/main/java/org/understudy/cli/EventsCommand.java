package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.understudy.admin.Json;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.understudy.events.EventLogException;
import org.understudy.events.OfflineEventReader;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;
import org.understudy.model.EventSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;

/**
 * {@code understudy events}: lists the event log (state transitions, alarms, failover timelines, operator actions),
 * oldest of the selection first, one line per event or JSON. Reads through the node's admin API, or with
 * {@code --state-dir} straight from a stopped node's database.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "List the event log: state transitions, alarms, failover timelines, operator actions. With"
                + " --follow, keep printing new events as they come until Ctrl-C.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {"0:the events were listed (with --follow: stopped with Ctrl-C)",
                        "1:the node is not reachable, or the event log cannot be read", ExitCodes.USAGE_LINE})
public final class EventsCommand implements Callable<Integer> {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    @Spec
    CommandSpec spec;

    @Option(names = "--since", paramLabel = "DURATION|INSTANT",
            description = "Only events since then: 90s, 15m, 2h, 7d, an ISO-8601 duration (PT30M) or an instant"
                    + " (2026-11-21T10:00:00Z).")
    String since;

    @Option(names = "--primary", paramLabel = "P", description = "Only events about this primary.")
    String primary;

    @Option(names = "--kind", paramLabel = "K", description = "Only events of this kind: ${COMPLETION-CANDIDATES}.")
    EventKind kind;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "At most the N newest matching events (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print a JSON array instead of lines.")
    boolean json;

    @Mixin
    ClusterFile clusterFile;

    @Option(names = {"-f", "--follow"}, description = "After the selection, print new events as they come, until Ctrl-C.")
    boolean follow;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between two looks for new events with --follow (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--node", paramLabel = "NAME", description = "Node to ask (default: the standby).")
    String node;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Read the event log of a stopped node from its state directory instead of asking the node.")
    Path stateDir;

    private Clock clock = Clock.systemUTC();

    /** For tests: the clock relative {@code --since} values count back from. */
    EventsCommand withClock(Clock c) {
        this.clock = c;
        return this;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit <= 0 || limit > EventQuery.MAX_LIMIT) {
            throw new ParameterException(spec.commandLine(), "--limit must be 1.." + EventQuery.MAX_LIMIT);
        }
        Instant from;
        try {
            from = since == null ? null : parseSince(since, clock);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (follow && (stateDir != null || json)) {
            throw new ParameterException(spec.commandLine(), "--follow reads a running node, one line per event:"
                    + " it does not go with --state-dir or --json");
        }
        EventQuery query = new EventQuery(from, primary, kind, limit, EventQuery.Order.NEWEST_FIRST);
        List<EventEntry> rows;
        try {
            rows = new ArrayList<>(read(query));
        } catch (EventLogException e) {
            err.println("events: " + e.getMessage());
            err.flush();
            return 1;
        }
        Collections.reverse(rows);
        if (json) {
            out.println(toJson(rows));
        } else {
            rows.forEach(r -> out.println(line(r)));
        }
        out.flush();
        return follow ? follow(query, rows.isEmpty() ? null : rows.getLast(), out, err) : 0;
    }

    /**
     * Prints events newer than {@code last} as they come, oldest first, until Ctrl-C (exit 0). Rows are asked for
     * from {@code last}'s time on and told apart by id, so a row written in the same millisecond is not lost.
     */
    private int follow(EventQuery selection, EventEntry last, PrintWriter out, PrintWriter err) {
        EventSource source = adminApiSource();
        Instant since = last == null ? clock.instant() : last.time();
        long lastId = last == null ? 0 : last.id();
        boolean warned = false;
        try (CtrlC ctrlC = CtrlC.install()) {
            while (ctrlC.sleep((long) (Math.max(0.1, interval) * 1000))) {
                List<EventEntry> fresh;
                try {
                    fresh = source.query(selection.since(since).order(EventQuery.Order.OLDEST_FIRST)
                            .limit(EventQuery.DEFAULT_LIMIT));
                    warned = false;
                } catch (EventLogException e) {
                    if (!warned) {
                        err.println("events: " + e.getMessage() + " (still trying; Ctrl-C to stop)");
                        err.flush();
                        warned = true;
                    }
                    continue;
                }
                for (EventEntry e : fresh) {
                    if (e.id() > lastId) {
                        out.println(line(e));
                        lastId = e.id();
                        since = e.time();
                    }
                }
                out.flush();
            }
        }
        return 0;
    }

    private List<EventEntry> read(EventQuery query) {
        if (stateDir != null) {
            try (OfflineEventReader reader = OfflineEventReader.open(stateDir)) {
                return reader.query(query);
            }
        }
        return adminApiSource().query(query);
    }

    /** The running node's event log, through its admin API. */
    EventSource adminApiSource() {
        ClusterFile.Choice file = clusterFile.choice();
        if (file == null) {
            throw new ParameterException(spec.commandLine(), "give --config FILE (or set " + ClusterFile.ENV
                    + ") to ask a running node, or --state-dir DIR to read a stopped node's log");
        }
        return query -> {
            try {
                ClusterConfig cluster = ClusterConfigLoader.load(file.file());
                AdminClient client = AdminClient.forNode(cluster, node == null ? cluster.standby().name() : node);
                JsonNode rows = client.postJson("/api/events", query);
                return List.of(Json.mapper().treeToValue(rows, EventEntry[].class));
            } catch (ConfigException e) {
                throw new EventLogException("invalid configuration in " + file + ": " + String.join("; ", e.problems()), e);
            } catch (IOException e) {
                throw new EventLogException(e.getMessage(), e);
            }
        };
    }

    /** {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}, {@code PT30M}, {@code P2D} back from now, or an instant. */
    static Instant parseSince(String text, Clock clock) {
        String t = text.strip();
        Matcher m = SHORT_DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return clock.instant().minus(d);
        }
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return clock.instant().minus(Duration.parse(t));
            }
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since: cannot read '" + text + "': use 90s, 15m, 2h, 7d, PT30M or"
                    + " an instant like 2026-11-21T10:00:00Z");
        }
    }

    /** One human line: time, kind, resource, actor, message. */
    static String line(EventEntry e) {
        String actor = e.actor() == null ? "-" : e.actor() + (e.face() == null ? "" : "@" + e.face());
        return String.format("%-24s %-17s %-20s %-14s %s", e.time(), e.kind(),
                e.resource() == null ? "-" : e.resource(), actor, e.message());
    }

    static String toJson(List<EventEntry> rows) {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode arr = mapper.createArrayNode();
        for (EventEntry e : rows) {
            ObjectNode o = arr.addObject();
            o.put("id", e.id());
            o.put("time", e.time().toString());
            o.put("kind", e.kind().name());
            o.put("primary", e.primary());
            o.put("resource", e.resource());
            o.put("actor", e.actor());
            o.put("face", e.face() == null ? null : e.face().name());
            o.put("outcome", e.outcome());
            o.put("message", e.message());
            if (e.details() == null) {
                o.putNull("details");
            } else {
                try {
                    JsonNode d = mapper.readTree(e.details());
                    o.set("details", d);
                } catch (Exception notJson) {
                    o.put("details", e.details());
                }
            }
        }
        return arr.toPrettyString();
    }
}
