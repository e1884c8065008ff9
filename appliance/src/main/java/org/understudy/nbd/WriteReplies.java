package org.understudy.nbd;

import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.understudy.storage.BlockDevice;
import org.understudy.transport.FreeList;

/**
 * The replies of one connection's WRITEs in flight, and idle ones kept for the next writes (at most as many as the
 * connection lets requests be in flight): a started WRITE carries one to its device instead of a callback object of
 * its own, so a write allocates nothing on its way to the reply. Taken by the connection's reader, given back by
 * whichever thread completes the write.
 */
final class WriteReplies {
    private final FreeList<WriteReply> idle;
    private final ReplyQueue replies;
    /** The connection's tag for the log (it names the export once negotiated). */
    private final Supplier<String> tag;

    WriteReplies(ReplyQueue replies, int maxIdle, Supplier<String> tag) {
        this.replies = replies;
        this.idle = new FreeList<>(maxIdle, WriteReply::new);
        this.tag = tag;
    }

    /** The callback of a WRITE started with {@code payload} ({@code bytes} permits), which sends its reply. */
    BlockDevice.WriteCallback acquire(int flags, long cookie, long offset, long length, ByteBuffer payload, int bytes) {
        WriteReply w = idle.take();
        w.flags = flags;
        w.cookie = cookie;
        w.offset = offset;
        w.length = length;
        w.payload = payload;
        w.bytes = bytes;
        return w;
    }

    private void release(WriteReply w) {
        w.payload = null;
        idle.giveBack(w);
    }

    /**
     * A started WRITE waiting for its device: told when it completes, it sends the reply (its fields are read first
     * and it goes back to the idle ones before the reply gives the request's permits back).
     */
    private final class WriteReply implements BlockDevice.WriteCallback {
        private int flags;
        private long cookie;
        private long offset;
        private long length;
        private ByteBuffer payload;
        private int bytes;

        @Override
        public void done(Throwable failure) {
            int error = failure == null ? 0 : RequestChecks.errno(
                    new NbdRequest(flags, NbdConstants.CMD_WRITE, cookie, offset, length), failure, tag.get());
            long c = cookie;
            ByteBuffer p = payload;
            int b = bytes;
            release(this);
            replies.send(error, c, null, p, b);
        }
    }
}
