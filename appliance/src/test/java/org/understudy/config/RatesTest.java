package org.understudy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Rates that cannot surprise. Regression: {@code 20mbps} set 20 MB/s (8x a network person's meaning), {@code 5} set
 * 5 B/s and echoed "0.0 kB/s", and {@code 20MiB/s} echoed as "21.0 MB/s".
 */
class RatesTest {
    @Test
    void bytesAndBits_explicitUnits_parseExactly() {
        assertEquals(20_000_000L, Rates.parse("20MB/s"));
        assertEquals(20L << 20, Rates.parse("20MiB/s"));
        assertEquals(2_500_000L, Rates.parse("20Mbit/s"));
        assertEquals(125_000_000L, Rates.parse("1Gbit/s"));
        assertEquals(20_000L, Rates.parse("160kbit/s"));
        assertEquals(500_000L, Rates.parse("500kB/s"));
        assertEquals(1L << 30, Rates.parse("1GiB/s"));
        assertEquals(2_500_000L, Rates.parse("2.5MB/s"));
        assertEquals(4096, Rates.parse("4096 B/s"));
        assertEquals(0, Rates.parse("off"));
        assertEquals(0, Rates.parse("unlimited"));
        assertEquals(0, Rates.parse("0"));
    }

    @Test
    void ambiguousUnitsAndBareNumbers_refused_offeringBothReadings() {
        for (String text : new String[] {"20mbps", "20Mbps", "20MBps", "20Mb/s", "20mb/s", "20M"}) {
            String m = assertThrows(IllegalArgumentException.class, () -> Rates.parse(text)).getMessage();
            assertTrue(m.contains("ambiguous") && m.contains("20MB/s for 20,000,000 B/s")
                    && m.contains("20Mbit/s for 2,500,000 B/s"), text + ": " + m);
        }
        String bare = assertThrows(IllegalArgumentException.class, () -> Rates.parse("5")).getMessage();
        assertTrue(bare.contains("without a unit") && bare.contains("5B/s") && bare.contains("5bit/s"), bare);
        String kb = assertThrows(IllegalArgumentException.class, () -> Rates.parse("20KB/s")).getMessage();
        assertTrue(kb.contains("20kB/s for 20,000 B/s") && kb.contains("20KiB/s for 20,480 B/s"), kb);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rates.parse("20MiB")).getMessage()
                .contains("a size, not a rate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Rates.parse("fast")).getMessage()
                .contains("not a rate"));
        assertThrows(IllegalArgumentException.class, () -> Rates.parse("-1MB/s"));
        assertThrows(IllegalArgumentException.class, () -> Rates.parse("3bit/s"), "below a byte per second");
    }

    @Test
    void echo_inTheUnitGiven_andInBytesPerSecond() {
        assertEquals("20 Mbit/s (2,500,000 B/s)", Rates.rate("20Mbit/s").describe());
        assertEquals("20 MiB/s (20,971,520 B/s)", Rates.rate("20MiB/s").describe());
        assertEquals("unlimited", Rates.rate("off").describe());
    }

    @Test
    void format_exactWhereAUnitDividesIt() {
        assertEquals("20 MiB/s", Rates.format(20L << 20));
        assertEquals("20 MB/s", Rates.format(20_000_000L));
        assertEquals("2.5 MB/s", Rates.format(2_500_000L));
        assertEquals("1.234567 MB/s", Rates.format(1_234_567L));
        assertEquals("5 B/s", Rates.format(5));
        assertEquals("unlimited", Rates.format(0));
        assertEquals("2,500,000 B/s", Rates.bytes(2_500_000L));
    }
}
