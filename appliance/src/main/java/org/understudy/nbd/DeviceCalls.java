package org.understudy.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.understudy.storage.BlockDevice;
import org.understudy.transport.BufferPool;

/** A checked request carried out on its device: the one place an NBD command becomes a device call. Stateless. */
final class DeviceCalls {
    private DeviceCalls() {
    }

    /**
     * Performs a valid request on {@code d}; returns the data of a READ (flipped, in a buffer from {@code pool}) or
     * null. A FLUSH goes through the connection's {@link FlushPlacement}, which times it.
     */
    static ByteBuffer perform(NbdRequest req, ByteBuffer payload, BlockDevice d, BufferPool pool,
                              FlushPlacement flushes) throws IOException {
        boolean fua = (req.flags() & NbdConstants.CMD_FLAG_FUA) != 0;
        switch (req.type()) {
            case NbdConstants.CMD_READ -> {
                if (req.length() == 0) {
                    return null;
                }
                ByteBuffer data = pool.acquire((int) req.length());
                try {
                    d.read(req.offset(), data);
                } catch (IOException | RuntimeException e) {
                    pool.release(data);
                    throw e;
                }
                return data.flip();
            }
            case NbdConstants.CMD_WRITE -> {
                if (payload != null) {
                    d.write(req.offset(), payload, fua);
                }
            }
            case NbdConstants.CMD_FLUSH -> flushes.flush(d);
            case NbdConstants.CMD_TRIM -> {
                if (req.length() > 0) {
                    d.trim(req.offset(), req.length(), fua);
                }
            }
            case NbdConstants.CMD_WRITE_ZEROES -> {
                if (req.length() > 0) {
                    boolean mayTrim = (req.flags() & NbdConstants.CMD_FLAG_NO_HOLE) == 0;
                    d.writeZeroes(req.offset(), req.length(), fua, mayTrim);
                }
            }
            default -> throw new IllegalStateException("unchecked command " + req.type());
        }
        return null;
    }
}
