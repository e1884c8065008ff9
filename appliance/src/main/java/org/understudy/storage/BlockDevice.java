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
     * Writes {@code src.remaining()} bytes at {@code offset}. With {@code fua} the data is durable (on every copy the
     * device keeps) before the method returns.
     */
    void write(long offset, ByteBuffer src, boolean fua) throws IOException;

    /** Makes every write completed before this call durable. */
    void flush() throws IOException;

    /** Discards a range: later reads return zeros or the old data (NBD TRIM semantics); Understudy returns zeros. */
    void trim(long offset, long length, boolean fua) throws IOException;

    /** Writes zeros over a range; {@code mayTrim} allows the device to punch a hole instead. */
    void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException;

    /** A name for logs, e.g. {@code p1/vol0}. */
    String describe();
}
