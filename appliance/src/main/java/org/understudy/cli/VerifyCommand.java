package org.understudy.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.config.VolumeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;

/**
 * {@code understudy verify PRIMARY VOLUME}: compares the volume with its replica region by region while I/O
 * continues; mismatching regions are reported, marked dirty and resynced. Waits for the result: a verify that
 * outlasts its request (a large volume) goes on on the node, and the command then follows the volume's last verify
 * in the node's status until it ends. Meanwhile {@link VerifyFollower} shows how far it has come: a bar with rate and
 * ETA on a terminal, a plain line per quarter elsewhere.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare a volume with its replica online; mismatches are reported and repaired by resync.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:verify ran (see mismatches in the output)", "1:the node is unreachable, refused or failed",
                        "2:the cluster file or the command line is wrong (a PRIMARY or VOLUME the cluster does not have)"})
public final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClusterFile clusterFile;

    @Parameters(index = "0", paramLabel = "PRIMARY", description = "The primary.")
    String primary;

    @Parameters(index = "1", paramLabel = "VOLUME", description = "One of its volumes.")
    String volume;

    /** How often a verify that outlasted its request is looked for in the node's status. */
    private static final Duration POLL_EVERY = Duration.ofSeconds(2);

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterConfig cluster = clusterFile.load("verify", err);
        if (cluster == null || CommandPoster.primary("verify", cluster, primary, err) == null) {
            return CommandPoster.EXIT_CONFIG;
        }
        List<String> volumes = cluster.primary(primary).orElseThrow().volumes().stream().map(VolumeConfig::name).toList();
        if (!volumes.contains(volume)) {
            err.println("verify: VOLUME: \"" + volume + "\" is not a volume of " + primary + " (volumes: "
                    + String.join(", ", volumes) + ")");
            err.flush();
            return CommandPoster.EXIT_CONFIG;
        }
        AdminClient client;
        try {
            client = AdminClient.forNode(cluster, primary);
        } catch (ConfigException e) {
            err.println("verify: " + String.join("; ", e.problems()));
            err.flush();
            return CommandPoster.EXIT_CONFIG;
        }
        // the progress of the verify (a bar on a terminal, a line per quarter elsewhere) while the request waits
        VerifyFollower progress = VerifyFollower.start(client, primary, volume, out);
        try {
            StringWriter answer = new StringWriter();
            CommandPoster.Sent sent = CommandPoster.send("verify", clusterFile, cluster, primary,
                    Map.of("primary", primary, "volume", volume), new PrintWriter(answer), err);
            progress.print(answer.toString());
            JsonNode details = sent.result() == null ? null : sent.result().path("details");
            if (sent.exit() != CommandPoster.EXIT_OK || details == null || !details.path("running").asBoolean(false)) {
                return sent.exit();
            }
            Instant started = instant(details.path("startedAt"));
            if (started == null) {
                err.println("verify: " + primary + " answered a running verify without a valid startedAt; see status");
                err.flush();
                return CommandPoster.EXIT_NOT_OK;
            }
            return awaitOutcome(client, started, progress, out, err);
        } finally {
            progress.finish();
        }
    }

    /** A verify the node is still running: waits until the volume's last verify is newer than its start. */
    private int awaitOutcome(AdminClient client, Instant started, VerifyFollower progress, PrintWriter out,
                             PrintWriter err) throws InterruptedException {
        long t0 = System.nanoTime();
        long nextNote = t0 + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            Thread.sleep(POLL_EVERY.toMillis());
            JsonNode status;
            try {
                status = client.getJson("/api/status");
            } catch (AdminClientException e) {
                err.println("verify: lost sight of the running verify: " + e.getMessage());
                err.flush();
                return CommandPoster.EXIT_NOT_OK;
            }
            for (JsonNode v : status.path("volumes")) {
                if (!v.path("primary").asText().equals(primary) || !v.path("name").asText().equals(volume)) {
                    continue;
                }
                JsonNode last = v.path("lastVerify");
                Instant at = instant(last.path("at"));
                if (at != null && !at.isBefore(started)) {
                    progress.finish();
                    out.println(primary + "/" + volume + " verify finished at " + last.path("at").asText() + ": "
                            + last.path("text").asText());
                    out.println("  regionsCompared: " + last.path("regionsCompared").asLong());
                    out.println("  mismatches: " + last.path("mismatches").asLong());
                    out.flush();
                    return CommandPoster.EXIT_OK;
                }
            }
            if (System.nanoTime() >= nextNote) {
                progress.print("  still running after " + TimeUnit.NANOSECONDS.toMinutes(System.nanoTime() - t0)
                        + " min (Ctrl-C stops waiting, not the verify)" + System.lineSeparator());
                nextNote += TimeUnit.MINUTES.toNanos(1);
            }
        }
    }

    /** An ISO-8601 instant, or null where the node wrote none or something else. */
    private static Instant instant(JsonNode n) {
        try {
            return n.isTextual() ? Instant.parse(n.asText()) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
