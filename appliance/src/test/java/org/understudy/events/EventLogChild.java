package org.understudy.events;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;

/**
 * A child JVM for the process tests: {@code append DIR [FORMAT]} appends rows synchronously forever, printing
 * {@code ID <id>} after each commit; {@code hold DIR} opens the log, prints {@code READY} and keeps it open until its
 * stdin closes.
 */
public final class EventLogChild {
    private EventLogChild() {
    }

    public static void main(String[] args) throws IOException {
        Path stateDir = Path.of(args[1]);
        EventLogFormat format = args.length > 2 ? EventLogFormat.valueOf(args[2]) : EventLogFormat.DERBY;
        StoredEventLog log = StoredEventLog.open(stateDir, format, Retention.UNLIMITED, Clock.systemUTC(),
                PeriodicScheduler.daemon("retention"));
        switch (args[0]) {
            case "append" -> {
                for (int i = 0; ; i++) {
                    long id = log.appendSync(EventEntry.of(Clock.systemUTC().instant(), EventKind.NODE, "p1", "p1",
                            "row " + i, "{\"i\":" + i + "}"));
                    System.out.println("ID " + id);
                    System.out.flush();
                }
            }
            case "hold" -> {
                System.out.println("READY");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // parked until the parent closes our stdin
                }
                log.close();
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
