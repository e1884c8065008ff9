package org.understudy.model;

import java.time.Duration;

/**
 * The figures the standby detects a primary's failure with, on both paths, as configured.
 *
 * @param interval         heartbeat interval on every path
 * @param timeout          slow path ({@link FailureDetection#HOST_SILENT}): silence that puts a path down
 * @param probeTimeout     time limit of the confirming probe (both paths)
 * @param processDeadGrace fast path ({@link FailureDetection#PROCESS_DEAD}): silence on every path after the link was
 *                         closed by the peer and the probe refused; zero when the fast path is off
 */
public record DetectionSettings(Duration interval, Duration timeout, Duration probeTimeout,
                                Duration processDeadGrace) {

    public boolean fastPath() {
        return !processDeadGrace.isZero();
    }

    /** "process-dead: link closed by the peer + probe refused + 375 ms without heartbeat; host-silent: ...". */
    public String describe() {
        String slow = String.format("host-silent: every path silent %d ms + a failed probe (limit %d ms)",
                timeout.toMillis(), probeTimeout.toMillis());
        String fast = fastPath() ? String.format("process-dead: link closed by the peer + probe refused + %d ms "
                + "without heartbeat", processDeadGrace.toMillis()) : "process-dead: off";
        return fast + "; " + slow + "; heartbeat every " + interval.toMillis() + " ms";
    }
}
