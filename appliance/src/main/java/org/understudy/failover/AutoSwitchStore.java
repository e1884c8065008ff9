package org.understudy.failover;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Properties;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.DurableFiles;

/**
 * The operator's last choice of the automatic-failover switch ({@code understudy autoswitch on|off}), kept in
 * {@code <standby stateDir>/autoswitch.properties} so vault mode survives a standby restart: an operator who switched
 * automatic failover off while repairing something must not find it back on because the standby restarted. Written
 * like the fence files: a temporary file, forced, renamed over the old one, directory forced, so a crash leaves the
 * old choice or the new one, never half a file.
 *
 * <p>Thread-safe: {@link #record} is serialised; {@link #load} reads the file as it is on disk.
 */
public final class AutoSwitchStore implements AutoSwitchRecorder {
    private static final Logger LOG = LogManager.getLogger(AutoSwitchStore.class);
    static final String FILE = "autoswitch.properties";

    /** A recorded choice: the switch, who set it and when (wall time, for people). */
    public record Choice(boolean autoFailover, String by, Instant at) {
    }

    /**
     * The switch to start with and where it came from, for the start log line and the vault-mode alarm.
     *
     * @param origin e.g. "the operator's last choice (off by alice at ...), overriding the cluster file's on"
     */
    public record Start(boolean autoFailover, String origin) {
    }

    private final Path file;
    private final InstantSource wall;

    public AutoSwitchStore(Path stateDir, InstantSource wall) {
        this.file = stateDir.resolve(FILE);
        this.wall = wall;
    }

    public Path file() {
        return file;
    }

    /**
     * The recorded choice, empty if none was ever recorded. A file that cannot be read or parsed is logged as an
     * error and counts as no choice: the caller falls back to the cluster file rather than refuse to start.
     */
    public Optional<Choice> load() {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.error("standby: the operator's automatic-failover choice in {} cannot be read ({}); using the "
                    + "cluster file's value instead", file, e.toString());
            return Optional.empty();
        }
        String auto = p.getProperty("autoFailover");
        if (!"true".equals(auto) && !"false".equals(auto)) {
            LOG.error("standby: the operator's automatic-failover choice in {} is broken (autoFailover={}, expected "
                    + "true or false); using the cluster file's value instead", file, auto);
            return Optional.empty();
        }
        Instant at;
        try {
            at = Instant.parse(p.getProperty("at", Instant.EPOCH.toString()));
        } catch (RuntimeException e) {
            // the switch itself is readable; only the note of when is lost
            LOG.warn("standby: {} has an unreadable time ({}); the choice itself is kept", file, e.toString());
            at = Instant.EPOCH;
        }
        return Optional.of(new Choice(Boolean.parseBoolean(auto), p.getProperty("by", "?"), at));
    }

    /** The switch to start with: the operator's last recorded choice wins over the cluster file's {@code fromConfig}. */
    public Start resolve(boolean fromConfig) {
        String config = "the cluster file's " + onOff(fromConfig);
        return load().map(c -> new Start(c.autoFailover(), "the operator's last choice (" + onOff(c.autoFailover())
                        + " by " + c.by() + " at " + c.at() + ", " + file + ")"
                        + (c.autoFailover() == fromConfig ? ", same as " + config : ", overriding " + config)))
                .orElseGet(() -> new Start(fromConfig, config + " (no operator choice recorded in " + file + ")"));
    }

    @Override
    public synchronized void record(boolean on, String who) throws IOException {
        Properties p = new Properties();
        p.setProperty("autoFailover", Boolean.toString(on));
        p.setProperty("by", who == null ? "?" : who);
        p.setProperty("at", wall.instant().toString());
        Files.createDirectories(file.getParent());
        DurableFiles.storeProperties(file, p,
                "Understudy: the operator's automatic-failover switch (understudy autoswitch on|off)");
        LOG.info("standby: automatic failover {} by {} recorded in {}", onOff(on), who, file);
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }
}
