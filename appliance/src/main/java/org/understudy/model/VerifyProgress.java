package org.understudy.model;

import java.time.Instant;

/**
 * How far a volume's online verify has come while it runs (what a client draws a progress bar from).
 *
 * @param startedAt  wall time the verify started
 * @param bytesDone  bytes of the volume compared so far
 * @param bytesTotal bytes to compare (the volume's size)
 */
public record VerifyProgress(Instant startedAt, long bytesDone, long bytesTotal) {
}
