package org.understudy.model;

import java.time.Instant;

/**
 * The outcome of a volume's last online verify.
 *
 * @param at              wall time it finished; null when no verify has run
 * @param regionsCompared regions whose digests were compared
 * @param mismatches      regions that differed (marked dirty and resynced)
 * @param text            the outcome for a person
 */
public record VerifySummary(Instant at, long regionsCompared, long mismatches, String text) {
    public static final VerifySummary NONE = new VerifySummary(null, 0, 0, "");

    public VerifySummary {
        text = text == null ? "" : text;
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
