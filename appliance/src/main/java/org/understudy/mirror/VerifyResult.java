package org.understudy.mirror;

import java.util.List;

/**
 * The outcome of one online verify. Immutable.
 *
 * @param bytes            bytes of the volume covered
 * @param regionsCompared  regions whose digests were compared
 * @param mismatches       regions that differed and were not awaiting confirmation: marked dirty and resynced
 * @param skipped          regions that differed while still dirty (a write or resync in flight): not reported
 * @param mismatchOffsets  offsets of the first mismatching regions (at most 16)
 * @param millis           how long the verify took
 */
public record VerifyResult(long bytes, long regionsCompared, long mismatches, long skipped,
                           List<Long> mismatchOffsets, long millis) {
    public VerifyResult {
        mismatchOffsets = List.copyOf(mismatchOffsets);
    }

    /** Megabytes per second compared (both sides digest in parallel). */
    public double mbPerSecond() {
        return millis == 0 ? 0 : bytes / 1e6 / (millis / 1e3);
    }

    /** One line for the status and the log. */
    public String summary() {
        return mismatches == 0 ? String.format("ok: %d regions compared in %d ms, no mismatch", regionsCompared, millis)
                : String.format("%d mismatching region(s) of %d (first at %s), marked dirty and resynced", mismatches,
                regionsCompared, mismatchOffsets.isEmpty() ? "?" : mismatchOffsets.get(0));
    }
}
