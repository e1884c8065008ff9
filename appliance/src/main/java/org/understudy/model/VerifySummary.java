package org.understudy.model;

import java.time.Instant;

/**
 * The outcome of a volume's last online verify.
 *
 * @param at              wall time it finished; null when no verify has run
 * @param regionsCompared regions whose digests were compared
 * @param mismatches      regions that differed (marked dirty and resynced)
 * @param text            the outcome for a person
 * @param running         the verify running now and how far it has come; null when none runs
 */
public record VerifySummary(Instant at, long regionsCompared, long mismatches, String text, VerifyProgress running) {
    public static final VerifySummary NONE = new VerifySummary(null, 0, 0, "");

    public VerifySummary {
        text = text == null ? "" : text;
    }

    /** The outcome of a verify that ended, none running. */
    public VerifySummary(Instant at, long regionsCompared, long mismatches, String text) {
        this(at, regionsCompared, mismatches, text, null);
    }

    /** The same outcome with {@code progress} as the verify running now (null: none). */
    public VerifySummary withRunning(VerifyProgress progress) {
        return new VerifySummary(at, regionsCompared, mismatches, text, progress);
    }

    /** True once a verify has run. */
    public boolean ran() {
        return at != null;
    }

    @Override
    public String toString() {
        return ran() ? at + " " + text : "never";
    }
}
