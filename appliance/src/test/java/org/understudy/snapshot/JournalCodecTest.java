package org.understudy.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.understudy.model.SnapshotKind;

class JournalCodecTest {
    private static final List<JournalRecord> EVERY_KIND = List.of(
            new JournalRecord.Header(1, 65536),
            new JournalRecord.Begin(7, "2026-12-06T03:00:00Z", 1_796_526_000_000L, SnapshotKind.SCHEDULED, true,
                    List.of("vol0", "vol1"), List.of("every-1h", "every-1d")),
            new JournalRecord.Seal(7, "vol1", true),
            new JournalRecord.Complete(7),
            new JournalRecord.Update(7, List.of("every-1d"), 1_796_529_600_000L, false),
            new JournalRecord.Delete(7, "", "retention of schedule every-1h"));

    @Test
    void everyRecord_roundTrips() {
        for (JournalRecord r : EVERY_KIND) {
            ByteBuffer b = JournalCodec.encode(r);
            JournalCodec.Decoded d = JournalCodec.decode(b);
            assertEquals(r, d.record());
            assertEquals(b.remaining(), d.length());
        }
        JournalRecord.Preserve p = new JournalRecord.Preserve(3, "vol0", new long[] {0, 5, 1L << 40},
                new long[] {2, 0, 1});
        JournalRecord.Preserve back = (JournalRecord.Preserve) JournalCodec.decode(JournalCodec.encode(p)).record();
        assertArrayEquals(p.chunks(), back.chunks());
        assertArrayEquals(p.slots(), back.slots());
        JournalRecord.CheckedPreserve c = checked();
        JournalRecord.CheckedPreserve cb = (JournalRecord.CheckedPreserve) JournalCodec.decode(JournalCodec.encode(c))
                .record();
        assertArrayEquals(c.preserve().chunks(), cb.preserve().chunks());
        assertArrayEquals(c.preserve().slots(), cb.preserve().slots());
        assertArrayEquals(c.lengths(), cb.lengths());
        assertArrayEquals(c.crcs(), cb.crcs());
        assertEquals(List.of(c.preserve().id(), c.batch(), c.settledThrough()),
                List.of(cb.preserve().id(), cb.batch(), cb.settledThrough()));
    }

    private static JournalRecord.CheckedPreserve checked() {
        return new JournalRecord.CheckedPreserve(new JournalRecord.Preserve(3, "vol0", new long[] {0, 5},
                new long[] {2, 0}), new int[] {65536, 4096}, new int[] {0x1234abcd, -7}, 12, 9);
    }

    @Test
    void checkedPreserve_damagedOrTruncated_endsTheJournal() {
        SplittableRandom rnd = new SplittableRandom(5);
        byte[] whole = bytes(JournalCodec.encode(checked()));
        for (int cut = 0; cut < whole.length; cut++) {
            assertSame(JournalCodec.TORN, JournalCodec.decode(ByteBuffer.wrap(whole, 0, cut).slice()), "cut at " + cut);
        }
        for (int i = 0; i < 500; i++) {
            byte[] bad = whole.clone();
            bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
            assertSame(JournalCodec.TORN, JournalCodec.decode(ByteBuffer.wrap(bad)), "flipped byte");
        }
    }

    /** A crash cuts an append anywhere; a disk returns garbage: the journal then ends there, no exception escapes. */
    @Test
    void truncatedOrDamagedEntries_endTheJournal_neverThrow() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (JournalRecord r : EVERY_KIND) {
            byte[] whole = bytes(JournalCodec.encode(r));
            for (int cut = 0; cut < whole.length; cut++) {
                assertSame(JournalCodec.TORN, JournalCodec.decode(ByteBuffer.wrap(whole, 0, cut).slice()), "cut at " + cut);
            }
            for (int i = 0; i < 200; i++) {
                byte[] bad = whole.clone();
                bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
                assertSame(JournalCodec.TORN, JournalCodec.decode(ByteBuffer.wrap(bad)), "flipped byte in " + r);
            }
        }
        for (int i = 0; i < 5000; i++) {
            byte[] noise = new byte[rnd.nextInt(64)];
            rnd.nextBytes(noise);
            JournalCodec.decode(ByteBuffer.wrap(noise)); // must return, TORN or (by a 2^-32 chance) a record
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}
