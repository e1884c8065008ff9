package org.understudy.model;

import java.time.Instant;

/**
 * One active (raised, not yet cleared) alarm: the single alarm model every face reads.
 *
 * @param id       stable key of the condition, e.g. "path-down:p1:link"; raising it again updates cause only
 * @param resource what it is about (a primary, a path, the standby)
 * @param cause    what is wrong, with the numbers behind it
 * @param since    wall time it was first raised
 */
public record Alarm(String id, Severity severity, String resource, String cause, Instant since) {
}
