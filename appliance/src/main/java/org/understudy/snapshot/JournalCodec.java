package org.understudy.snapshot;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.understudy.model.SnapshotKind;

/**
 * Pure encoding of {@link JournalRecord}s: {@code u32 length, u8 type, payload, u32 crc32c(type, payload)}, big-endian.
 * A truncated, oversized or corrupt entry decodes as {@link #TORN}: the journal ends there (an append cut short by a
 * crash). Stateless and thread-safe.
 */
final class JournalCodec {
    /** Largest payload of one entry: a preserve entry carries at most {@link #MAX_PRESERVE} chunks. */
    static final int MAX_PAYLOAD = 4 << 20;
    static final int MAX_PRESERVE = 100_000;
    private static final int MAX_STRING = 1024;
    private static final int MAX_LIST = 4096;
    static final int OVERHEAD = 4 + 1 + 4;

    private static final int HEADER = 1;
    private static final int BEGIN = 2;
    private static final int SEAL = 3;
    private static final int COMPLETE = 4;
    private static final int PRESERVE = 5;
    private static final int DELETE = 6;
    private static final int UPDATE = 7;
    private static final int CHECKED_PRESERVE = 8;

    /** What {@link #decode} found at a position. */
    record Decoded(JournalRecord record, int length) {
    }

    /** The journal ends here: nothing, or an entry that a crash cut short or that is damaged. */
    static final Decoded TORN = new Decoded(null, 0);

    private JournalCodec() {
    }

    /** The entry as bytes, ready to append. */
    static ByteBuffer encode(JournalRecord r) {
        ByteBuffer p = ByteBuffer.allocate(size(r));
        int type = switch (r) {
            case JournalRecord.Header h -> {
                p.putInt(h.version()).putInt(h.chunkSize());
                yield HEADER;
            }
            case JournalRecord.Begin b -> {
                p.putLong(b.id());
                str(p, b.name());
                p.putLong(b.createdMillis()).put((byte) b.kind().ordinal()).put((byte) (b.primaryCut() ? 1 : 0));
                list(p, b.volumes());
                list(p, b.labels());
                yield BEGIN;
            }
            case JournalRecord.Seal s -> {
                p.putLong(s.id());
                str(p, s.volume());
                p.put((byte) (s.consistent() ? 1 : 0));
                yield SEAL;
            }
            case JournalRecord.Complete c -> {
                p.putLong(c.id());
                yield COMPLETE;
            }
            case JournalRecord.Preserve pr -> {
                putPreserve(p, pr, null);
                yield PRESERVE;
            }
            case JournalRecord.CheckedPreserve c -> {
                putPreserve(p, c.preserve(), c);
                yield CHECKED_PRESERVE;
            }
            case JournalRecord.Delete d -> {
                p.putLong(d.id());
                str(p, d.volume());
                str(p, d.reason());
                yield DELETE;
            }
            case JournalRecord.Update u -> {
                p.putLong(u.id());
                list(p, u.labels());
                p.putLong(u.expiresMillis()).put((byte) (u.held() ? 1 : 0));
                yield UPDATE;
            }
        };
        p.flip();
        if (p.remaining() > MAX_PAYLOAD) {
            throw new IllegalArgumentException("journal entry of " + p.remaining() + " bytes exceeds " + MAX_PAYLOAD);
        }
        ByteBuffer out = ByteBuffer.allocate(OVERHEAD + p.remaining());
        CRC32C crc = new CRC32C();
        crc.update(type);
        crc.update(p.duplicate());
        out.putInt(p.remaining()).put((byte) type).put(p).putInt((int) crc.getValue());
        return out.flip();
    }

    /** Writes a preserve entry's payload; with {@code checked}, each chunk's length and CRC32C and the commit's figures. */
    private static void putPreserve(ByteBuffer p, JournalRecord.Preserve pr, JournalRecord.CheckedPreserve checked) {
        p.putLong(pr.id());
        str(p, pr.volume());
        p.putInt(pr.chunks().length);
        for (int i = 0; i < pr.chunks().length; i++) {
            p.putLong(pr.chunks()[i]).putLong(pr.slots()[i]);
            if (checked != null) {
                p.putInt(checked.lengths()[i]).putInt(checked.crcs()[i]);
            }
        }
        if (checked != null) {
            p.putLong(checked.batch()).putLong(checked.settledThrough());
        }
    }

    /**
     * Decodes the entry at {@code buf}'s position (not moved). Returns {@link #TORN} when fewer bytes than a whole
     * entry remain, its checksum does not match or its content does not parse: never throws on bad input.
     */
    static Decoded decode(ByteBuffer buf) {
        ByteBuffer b = buf.duplicate();
        if (b.remaining() < OVERHEAD) {
            return TORN;
        }
        int length = b.getInt();
        if (length < 0 || length > MAX_PAYLOAD || b.remaining() < length + 5) {
            return TORN;
        }
        int type = b.get() & 0xff;
        ByteBuffer payload = b.slice(b.position(), length);
        b.position(b.position() + length);
        int stored = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(type);
        crc.update(payload.duplicate());
        if ((int) crc.getValue() != stored) {
            return TORN;
        }
        try {
            JournalRecord r = parse(type, payload);
            if (r == null || payload.hasRemaining()) {
                return TORN;
            }
            return new Decoded(r, OVERHEAD + length);
        } catch (BufferUnderflowException | IllegalArgumentException | CharacterCodingException e) {
            return TORN;
        }
    }

    private static JournalRecord parse(int type, ByteBuffer p) throws CharacterCodingException {
        return switch (type) {
            case HEADER -> new JournalRecord.Header(p.getInt(), p.getInt());
            case BEGIN -> {
                long id = p.getLong();
                String name = str(p);
                long created = p.getLong();
                int kind = p.get();
                SnapshotKind[] kinds = SnapshotKind.values();
                if (kind < 0 || kind >= kinds.length) {
                    yield null;
                }
                boolean primaryCut = flag(p);
                yield new JournalRecord.Begin(id, name, created, kinds[kind], primaryCut, list(p), list(p));
            }
            case SEAL -> new JournalRecord.Seal(p.getLong(), str(p), flag(p));
            case COMPLETE -> new JournalRecord.Complete(p.getLong());
            case PRESERVE -> preserve(p, false);
            case CHECKED_PRESERVE -> preserve(p, true);
            case DELETE -> new JournalRecord.Delete(p.getLong(), str(p), str(p));
            case UPDATE -> new JournalRecord.Update(p.getLong(), list(p), p.getLong(), flag(p));
            default -> null;
        };
    }

    /**
     * A preserve entry: id, volume, then per chunk its number and slot — a checked one also the content's length and
     * CRC32C — and a checked one ends with its commit number and how far commits had settled. Null when it does not
     * parse as such.
     */
    private static JournalRecord preserve(ByteBuffer p, boolean checked) throws CharacterCodingException {
        long id = p.getLong();
        String volume = str(p);
        int n = p.getInt();
        if (n < 0 || n > MAX_PRESERVE || n * (checked ? 24L : 16L) > p.remaining()) {
            return null;
        }
        long[] chunks = new long[n];
        long[] slots = new long[n];
        int[] lengths = new int[checked ? n : 0];
        int[] crcs = new int[checked ? n : 0];
        for (int i = 0; i < n; i++) {
            chunks[i] = p.getLong();
            slots[i] = p.getLong();
            if (checked) {
                lengths[i] = p.getInt();
                crcs[i] = p.getInt();
            }
            if (chunks[i] < 0 || slots[i] < 0 || slots[i] > Integer.MAX_VALUE || checked && lengths[i] <= 0) {
                return null;
            }
        }
        JournalRecord.Preserve plain = new JournalRecord.Preserve(id, volume, chunks, slots);
        if (!checked) {
            return plain;
        }
        long batch = p.getLong();
        long settled = p.getLong();
        return batch <= 0 || settled < 0 || settled >= batch ? null
                : new JournalRecord.CheckedPreserve(plain, lengths, crcs, batch, settled);
    }

    private static boolean flag(ByteBuffer p) {
        int v = p.get();
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException("flag " + v);
        }
        return v == 1;
    }

    private static int size(JournalRecord r) {
        return switch (r) {
            case JournalRecord.Header h -> 8;
            case JournalRecord.Begin b -> 8 + strSize(b.name()) + 10 + listSize(b.volumes()) + listSize(b.labels());
            case JournalRecord.Seal s -> 8 + strSize(s.volume()) + 1;
            case JournalRecord.Complete c -> 8;
            case JournalRecord.Preserve p -> 8 + strSize(p.volume()) + 4 + 16 * p.chunks().length;
            case JournalRecord.CheckedPreserve c -> 8 + strSize(c.preserve().volume()) + 4
                    + 24 * c.preserve().chunks().length + 16;
            case JournalRecord.Delete d -> 8 + strSize(d.volume()) + strSize(d.reason());
            case JournalRecord.Update u -> 8 + listSize(u.labels()) + 9;
        };
    }

    private static int strSize(String s) {
        return 2 + bytes(s).length;
    }

    private static int listSize(List<String> l) {
        int n = 2;
        for (String s : l) {
            n += strSize(s);
        }
        return n;
    }

    private static byte[] bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING) {
            throw new IllegalArgumentException("text of " + b.length + " bytes in a journal entry exceeds " + MAX_STRING);
        }
        return b;
    }

    private static void str(ByteBuffer p, String s) {
        byte[] b = bytes(s);
        p.putShort((short) b.length).put(b);
    }

    private static void list(ByteBuffer p, List<String> l) {
        if (l.size() > MAX_LIST) {
            throw new IllegalArgumentException("list of " + l.size() + " in a journal entry exceeds " + MAX_LIST);
        }
        p.putShort((short) l.size());
        for (String s : l) {
            str(p, s);
        }
    }

    private static String str(ByteBuffer p) throws CharacterCodingException {
        int n = p.getShort() & 0xffff;
        if (n > MAX_STRING) {
            throw new IllegalArgumentException("string of " + n);
        }
        byte[] b = new byte[n];
        p.get(b);
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    }

    private static List<String> list(ByteBuffer p) throws CharacterCodingException {
        int n = p.getShort() & 0xffff;
        if (n > MAX_LIST) {
            throw new IllegalArgumentException("list of " + n);
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(str(p));
        }
        return out;
    }
}
