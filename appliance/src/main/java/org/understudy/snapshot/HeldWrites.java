package org.understudy.snapshot;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes a {@link CowWriter.Batch} holds back until its commit (their chunks' old content must be durable first),
 * and the chunks they and the batch's preservations touch. A batch that commits before its caller's buffer changes
 * (a single write) holds a view of that buffer; a link's batch, whose frames' payloads are reused as soon as the next
 * frame is read, copies each payload into one direct buffer kept for the next commits (no garbage per write, and the
 * image write needs no copy of its own into a temporary direct buffer); a payload that no longer fits gets a buffer of
 * its own. Not thread-safe: one batch's.
 */
final class HeldWrites {
    /** The kept buffer: 32 writes of 4 KiB, the most a link has in flight at QD32, at the cost of 128 KiB a link. */
    static final int KEPT_BYTES = 128 << 10;

    /** One held write: zeros when {@code data} is null. */
    record Held(long offset, long length, ByteBuffer data) {
    }

    private final int chunkSize;
    private final boolean copy;
    private final List<Held> writes = new ArrayList<>();
    /** The chunks held back, as a set (a map to 0: no boxing, no garbage per write in a link's long-lived batch). */
    private final ChunkMap chunks = new ChunkMap();
    private ByteBuffer kept;
    private long bytes;
    private long ownBuffers;

    /**
     * @param copy whether payloads are copied (a link's batch) or only viewed until the commit (a single write)
     */
    HeldWrites(int chunkSize, boolean copy) {
        this.chunkSize = chunkSize;
        this.copy = copy;
    }

    /** Holds back a write of {@code length} bytes at {@code offset}: {@code data}'s remaining bytes, or zeros. */
    void add(long offset, long length, ByteBuffer data) {
        ByteBuffer held = null;
        if (data != null) {
            held = copy ? copyOf(data) : data.duplicate();
            data.position(data.limit());
        }
        writes.add(new Held(offset, length, held));
        bytes += length;
        for (long c = offset / chunkSize; c <= (offset + length - 1) / chunkSize; c++) {
            chunks.put(c, 0);
        }
    }

    private ByteBuffer copyOf(ByteBuffer data) {
        int n = data.remaining();
        if (kept == null && n <= KEPT_BYTES) {
            kept = ByteBuffer.allocateDirect(KEPT_BYTES);
        }
        ByteBuffer into;
        if (kept != null && kept.remaining() >= n) {
            into = kept.slice(kept.position(), n);
            kept.position(kept.position() + n);
        } else {
            into = ByteBuffer.allocate(n);
            ownBuffers++;
        }
        into.put(data.duplicate()).flip();
        return into;
    }

    /** Marks {@code chunk} as one a later write must not reach before the commit (its preservation is staged). */
    void holdChunk(long chunk) {
        chunks.put(chunk, 0);
    }

    /** Whether a write of {@code [offset, offset+length)} touches a chunk held back. */
    boolean touches(long offset, long length) {
        if (chunks.size() == 0) {
            return false;
        }
        for (long c = offset / chunkSize; c <= (offset + length - 1) / chunkSize; c++) {
            if (chunks.contains(c)) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    /** The held writes in the order they came. */
    List<Held> writes() {
        return writes;
    }

    /** Payloads that did not fit the kept buffer so far (a figure for tests). */
    long ownBuffers() {
        return ownBuffers;
    }

    /** Forgets every held write and chunk; the kept buffer is reused by the next ones. */
    void clear() {
        writes.clear();
        chunks.clear();
        bytes = 0;
        if (kept != null) {
            kept.clear();
        }
    }
}
