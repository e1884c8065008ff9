package org.understudy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The frame size proposed at the handshake follows the link's round trip. */
class FrameSizingTest {
    private static final int FOUR_MIB = 4 << 20;

    @Test
    void proposal_lanGetsTheConfiguredMaximum_slowerLinksSmallerFrames() {
        assertEquals(FOUR_MIB, FrameSizing.proposal(200_000, FOUR_MIB));
        assertEquals(FrameSizing.MID, FrameSizing.proposal(5_000_000, FOUR_MIB));
        assertEquals(FrameSizing.WAN, FrameSizing.proposal(80_000_000, FOUR_MIB));
        assertEquals(128 * 1024, FrameSizing.proposal(5_000_000, 128 * 1024), "never above the configured maximum");
    }
}
