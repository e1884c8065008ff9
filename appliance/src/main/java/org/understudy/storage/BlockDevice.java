package org.understudy.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A fixed-size block device as the NBD server sees it: a local file, a mirrored volume, a replica standing in.
 *
 * <p>Implementations are thread-safe: the NBD server calls them concurrently from many request threads, and a method
 * returns only when the operation is complete with the durability its flags ask for. Offsets and lengths are checked by
 * the caller against {@link #size()}; implementations may still reject bad ranges with an {@link IllegalArgumentException}.
 */
public interface BlockDevice extends Closeable {

    /** Size in bytes; fixed for the device's lifetime. */
    long size();

    /** Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst}, advancing its position to its limit. */
    void read(long offset, ByteBuffer dst) throws IOException;

    /**
     * The same read, for a background copy or check that goes over much of the device (a resync, a verify): it may
     * bypass the page cache, so the scan neither evicts what clients use nor leaves behind pages that make their
     * later writes slow. The default is {@link #read}.
     */
    default void readBulk(long offset, ByteBuffer dst) throws IOException {
        read(offset, dst);
    }

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}. With {@code fua} the data is durable (on every copy the
     * device keeps) before the method returns.
     */
    void write(long offset, ByteBuffer src, boolean fua) throws IOException;

    /** Told once when an asynchronous write has completed. */
    @FunctionalInterface
    interface WriteCallback {
        /** @param error null when the write completed as {@link #write} would have returned, else why it failed */
        void done(Throwable error);
    }

    /**
     * Starts the same write as {@link #write} and returns as soon as the caller may go on with other requests; {@code
     * callback} is told when the write is complete, possibly before this method returns, possibly on another thread.
     * {@code src} must stay unchanged until then. The default completes the write on the calling thread; a device
     * whose writes wait on something remote (a mirrored volume waiting for the standby's ACK) completes later, so the
     * NBD server need not park one thread per write in flight.
     */
    default void writeAsync(long offset, ByteBuffer src, boolean fua, WriteCallback callback) {
        Throwable error = null;
        try {
            write(offset, src, fua);
        } catch (IOException | RuntimeException e) {
            error = e;
        }
        callback.done(error);
    }

    /**
     * Like {@link #writeAsync(long, ByteBuffer, boolean, WriteCallback)}, told whether the caller already holds more
     * writes to start at once ({@code moreFollow}): a device that sends writes somewhere may then hold this one back
     * and send it together with the next ones. A caller that says {@code moreFollow} calls {@link #sendHeld} before
     * it waits for anything. The default ignores the hint.
     */
    default void writeAsync(long offset, ByteBuffer src, boolean fua, boolean moreFollow, WriteCallback callback) {
        writeAsync(offset, src, fua, callback);
    }

    /** Sends whatever {@link #writeAsync(long, ByteBuffer, boolean, boolean, WriteCallback)} held back; any thread. */
    default void sendHeld() {
    }

    /**
     * Whether {@link #writeAsync} returns before a write is complete (and its local part is quick: no FUA, the page
     * cache), so the NBD server may start writes on the thread that reads requests. False by default: a device that
     * completes writes on the calling thread is called from pooled threads, so one slow write never holds up the
     * requests behind it.
     */
    default boolean completesWritesLater() {
        return false;
    }

    /**
     * Whether a write started now also travels to a peer (a mirrored volume whose standby link is up), so that
     * starting it costs a copy onto the link besides the local one. Read per write by the NBD server to place large
     * pipelined writes ({@code WritePlacement}); a hint, since the link may come or go right after. False by default.
     */
    default boolean writesTravel() {
        return false;
    }

    /**
     * Whether the device refuses every write (a snapshot): the NBD server then announces the export read-only and
     * answers writes with {@code EPERM} without calling the device. False by default.
     */
    default boolean readOnly() {
        return false;
    }

    /** Makes every write completed before this call durable. */
    void flush() throws IOException;

    /** Discards a range: later reads return zeros or the old data (NBD TRIM semantics); Understudy returns zeros. */
    void trim(long offset, long length, boolean fua) throws IOException;

    /** Writes zeros over a range; {@code mayTrim} allows the device to punch a hole instead. */
    void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException;

    /** A name for logs, e.g. {@code p1/vol0}. */
    String describe();
}
