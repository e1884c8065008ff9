package org.understudy.replication;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.understudy.resync.BitmapInfo;
import org.understudy.resync.IdentityStore;
import org.understudy.resync.VolumeIdentity;

/**
 * Payload of an IDENTITY frame: one side's {@link VolumeIdentity} (generations, consistency, epoch) and what its dirty
 * bitmap can contribute, exchanged once right after WELCOME so that every reconnect is decided by generations.
 * Layout: 8-byte dirty region count (-1: no usable bitmap), then the identity in its text file form (with its own
 * CRC32C). Pure codec; immutable.
 */
public record IdentityMessage(VolumeIdentity identity, BitmapInfo bitmap) {
    private static final int MAX_TEXT = 4096;

    public ByteBuffer encode() {
        byte[] text = IdentityStore.toBytes(identity);
        ByteBuffer b = ByteBuffer.allocate(8 + text.length);
        b.putLong(bitmap.usable() ? bitmap.dirtyRegions() : -1).put(text);
        return b.flip();
    }

    public static IdentityMessage decode(ByteBuffer payload) throws ProtocolException {
        ByteBuffer b = payload.duplicate();
        try {
            long dirty = b.getLong();
            if (dirty < -1) {
                throw new ProtocolException("IDENTITY with a negative dirty region count " + dirty);
            }
            if (b.remaining() > MAX_TEXT) {
                throw new ProtocolException("IDENTITY text of " + b.remaining() + " bytes exceeds " + MAX_TEXT);
            }
            byte[] text = new byte[b.remaining()];
            b.get(text);
            VolumeIdentity id = IdentityStore.fromBytes(text, "IDENTITY frame");
            return new IdentityMessage(id, dirty < 0 ? BitmapInfo.NONE : BitmapInfo.of(dirty));
        } catch (BufferUnderflowException e) {
            throw new ProtocolException("IDENTITY payload truncated (" + payload.remaining() + " bytes)");
        } catch (ProtocolException e) {
            throw e;
        } catch (IOException e) {
            throw new ProtocolException(e.getMessage());
        }
    }
}
