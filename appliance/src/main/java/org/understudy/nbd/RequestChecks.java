package org.understudy.nbd;

import java.io.IOException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.BlockDevice;

/**
 * What a connection answers a request it cannot perform: flags and ranges checked before the device is called, and
 * the errno of a device's failure, each logged with the reason under the connection's tag. Stateless.
 */
final class RequestChecks {
    private static final Logger LOG = LogManager.getLogger(NbdConnection.class);

    private RequestChecks() {
    }

    /** Validates flags and range; returns 0 or the errno to reply with (logged). */
    static int check(NbdRequest req, BlockDevice device, String tag) {
        return check(req.flags(), req.type(), req.cookie(), req.offset(), req.length(), device, tag);
    }

    /** {@link #check(NbdRequest, BlockDevice, String)} of a request's fields, for the write path that makes no record. */
    static int check(int flags, int type, long cookie, long offset, long length, BlockDevice device, String tag) {
        int allowed = switch (type) {
            case NbdConstants.CMD_READ, NbdConstants.CMD_WRITE, NbdConstants.CMD_FLUSH, NbdConstants.CMD_TRIM ->
                    NbdConstants.CMD_FLAG_FUA;
            case NbdConstants.CMD_WRITE_ZEROES -> NbdConstants.CMD_FLAG_FUA | NbdConstants.CMD_FLAG_NO_HOLE;
            default -> -1;
        };
        if (allowed < 0) {
            LOG.warn("{}: unsupported command {} (cookie {}), replying EINVAL", tag, NbdConstants.commandName(type), cookie);
            return NbdConstants.EINVAL;
        }
        if ((flags & ~allowed) != 0) {
            LOG.warn("{}: {} with unsupported flags 0x{} (cookie {}), replying EINVAL", tag,
                    NbdConstants.commandName(type), Integer.toHexString(flags), cookie);
            return NbdConstants.EINVAL;
        }
        if (type == NbdConstants.CMD_FLUSH) {
            return 0;
        }
        if (device.readOnly() && type != NbdConstants.CMD_READ) {
            LOG.warn("{}: {} {}+{} on a read-only export, replying EPERM", tag, NbdConstants.commandName(type),
                    Long.toUnsignedString(offset), length);
            return NbdConstants.EPERM;
        }
        long size = device.size();
        boolean inRange = offset >= 0 && offset <= size - length;
        if (!inRange) {
            // writes past the end are ENOSPC by the spec; reads and trims are EINVAL
            boolean write = type == NbdConstants.CMD_WRITE || type == NbdConstants.CMD_WRITE_ZEROES;
            int err = write && offset >= 0 ? NbdConstants.ENOSPC : NbdConstants.EINVAL;
            LOG.warn("{}: {} {}+{} outside the export of {} bytes, replying {}", tag, NbdConstants.commandName(type),
                    Long.toUnsignedString(offset), length, size, err == NbdConstants.ENOSPC ? "ENOSPC" : "EINVAL");
            return err;
        }
        if (type == NbdConstants.CMD_READ && length > NbdConstants.MAX_PAYLOAD) {
            LOG.warn("{}: READ of {} bytes exceeds the {} byte maximum, replying EINVAL", tag, length, NbdConstants.MAX_PAYLOAD);
            return NbdConstants.EINVAL;
        }
        return 0;
    }

    /** The errno a failed request is answered with, logged with the reason. */
    static int errno(NbdRequest req, Throwable e, String tag) {
        String cmd = NbdConstants.commandName(req.type());
        if (e instanceof org.understudy.storage.ReadOnlyDeviceException) {
            LOG.warn("{}: {} {}+{} refused: {}, replying EPERM", tag, cmd, req.offset(), req.length(), e.getMessage());
            return NbdConstants.EPERM;
        }
        if (e instanceof IOException) {
            LOG.warn("{}: {} {}+{} failed with an I/O error, replying EIO: {}", tag, cmd, req.offset(), req.length(),
                    e.toString());
            return NbdConstants.EIO;
        }
        if (e instanceof IllegalArgumentException) {
            LOG.warn("{}: {} {}+{} refused by the device, replying EINVAL: {}", tag, cmd, req.offset(), req.length(),
                    e.getMessage());
            return NbdConstants.EINVAL;
        }
        LOG.error("{}: {} {}+{} failed unexpectedly, replying EIO", tag, cmd, req.offset(), req.length(), e);
        return NbdConstants.EIO;
    }
}
