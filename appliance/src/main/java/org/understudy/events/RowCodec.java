package org.understudy.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.CRC32C;
import org.understudy.model.ActorFace;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;

/**
 * One event row as a {@link FileEventStore} frame: length, CRC32C, payload. Texts are cut to {@link RowLimits} first,
 * as every store does. Stateless.
 */
final class RowCodec {
    private RowCodec() {
    }

    /** The whole frame of {@code e} (which carries its id), ready to write. */
    static ByteBuffer frame(EventEntry e) {
        byte[][] texts = {
            bytes(e.kind().name()),
            bytes(RowLimits.cut(e.primary(), RowLimits.SHORT_MAX)),
            bytes(RowLimits.cut(e.resource(), RowLimits.SHORT_MAX)),
            bytes(RowLimits.cut(e.actor(), RowLimits.SHORT_MAX)),
            bytes(e.face() == null ? null : e.face().name()),
            bytes(RowLimits.cut(e.outcome(), RowLimits.SHORT_MAX)),
            bytes(RowLimits.cut(e.message(), RowLimits.MESSAGE_MAX)),
            bytes(RowLimits.cut(RowLimits.details(e), RowLimits.DETAILS_MAX)),
        };
        int payload = 16;
        for (byte[] t : texts) {
            payload += 4 + (t == null ? 0 : t.length);
        }
        ByteBuffer buf = ByteBuffer.allocate(FileEventStore.FRAME_HEADER + payload);
        buf.putInt(payload).putInt(0).putLong(e.id()).putLong(e.time().toEpochMilli());
        for (byte[] t : texts) {
            if (t == null) {
                buf.putInt(-1);
            } else {
                buf.putInt(t.length).put(t);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(FileEventStore.FRAME_HEADER, payload));
        buf.putInt(4, (int) crc.getValue());
        return buf.flip();
    }

    /** The row in a payload whose CRC has been checked; throws on a payload that does not decode. */
    static EventEntry decode(ByteBuffer payload) {
        ByteBuffer in = payload.duplicate();
        long id = in.getLong();
        Instant time = Instant.ofEpochMilli(in.getLong());
        EventKind kind = EventKind.valueOf(text(in));
        String primary = text(in);
        String resource = text(in);
        String actor = text(in);
        String face = text(in);
        String outcome = text(in);
        String message = text(in);
        String details = text(in);
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("event row payload has " + in.remaining() + " bytes left over");
        }
        return new EventEntry(id, time, kind, primary, resource, actor, face == null ? null : ActorFace.valueOf(face),
                outcome, message, details);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        if (length > in.remaining()) {
            throw new IllegalArgumentException("event row text of " + length + " bytes runs past the payload");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return s;
    }
}
