package org.understudy.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.understudy.storage.BlockDevice;

/**
 * One volume's member of one snapshot as a read-only block device (what the standby exports for backup tools and
 * what a rehearsal's clones read through): each chunk comes from the store where a snapshot preserved it and from
 * the live replica otherwise. A chunk read from the replica is looked up again afterwards: if a write preserved it
 * meanwhile (its old content is in the store before the write touches the replica), it is read again from the store,
 * so a read never returns content newer than the snapshot. Writes are refused. Thread-safe.
 */
public final class SnapshotImage implements BlockDevice {
    private final SnapshotStore store;
    private final CowWriter replica;
    private final long id;
    private final String volume;
    private final long size;
    private final String name;
    private final int chunkSize;

    SnapshotImage(SnapshotStore store, CowWriter replica, long id, String volume, long size, String name) {
        this.store = store;
        this.replica = replica;
        this.id = id;
        this.volume = volume;
        this.size = size;
        this.name = name;
        this.chunkSize = store.chunkSize();
    }

    public long id() {
        return id;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        if (offset < 0 || offset > size - length) {
            throw new IllegalArgumentException(name + ": range " + offset + "+" + length + " outside " + size + " bytes");
        }
        if (length == 0) {
            return;
        }
        SnapshotState.Member m = store.beginRead(id, volume);
        try {
            long first = offset / chunkSize;
            long last = (offset + length - 1) / chunkSize;
            long[] slots = new long[(int) (last - first + 1)];
            store.resolve(m, first, slots);
            int base = dst.position();
            int i = 0;
            while (i < slots.length) {
                int j = i;
                while (j + 1 < slots.length && (slots[j + 1] < 0) == (slots[i] < 0)) {
                    j++;
                }
                long from = Math.max(offset, (first + i) * chunkSize);
                long to = Math.min(offset + length, (first + j + 1) * chunkSize);
                ByteBuffer part = dst.slice(base + (int) (from - offset), (int) (to - from));
                if (slots[i] < 0) {
                    readLive(m, first + i, from, part);
                } else {
                    readSlots(slots, i, j, first, offset, length, dst, base);
                }
                i = j + 1;
            }
            dst.position(base + length);
        } finally {
            store.endRead(m);
        }
    }

    /** Chunks the snapshot shares with the replica: read live, then re-read any a write preserved meanwhile. */
    private void readLive(SnapshotState.Member m, long firstChunk, long from, ByteBuffer part) throws IOException {
        replica.read(from, part.duplicate());
        long lastChunk = (from + part.remaining() - 1) / chunkSize;
        long[] again = new long[(int) (lastChunk - firstChunk + 1)];
        store.resolve(m, firstChunk, again);
        for (int k = 0; k < again.length; k++) {
            if (again[k] >= 0) {
                readSlot(again[k], firstChunk + k, from, part.remaining(), part, 0);
            }
        }
    }

    /** Chunks {@code i..j} from their slots: slots next to each other with one read. */
    private void readSlots(long[] slots, int i, int j, long first, long offset, long length, ByteBuffer dst, int base)
            throws IOException {
        int k = i;
        while (k <= j) {
            int e = k;
            while (e + 1 <= j && slots[e + 1] == slots[e] + 1) {
                e++;
            }
            long from = Math.max(offset, (first + k) * chunkSize);
            long to = Math.min(offset + length, (first + e + 1) * chunkSize);
            ByteBuffer piece = dst.slice(base + (int) (from - offset), (int) (to - from));
            store.readChunk(slots[k], (int) (from - (first + k) * chunkSize), piece);
            k = e + 1;
        }
    }

    /** The part of chunk {@code chunk} inside {@code [offset, offset+length)} from {@code slot}, into {@code dst}. */
    private void readSlot(long slot, long chunk, long offset, long length, ByteBuffer dst, int base) throws IOException {
        long from = Math.max(offset, chunk * chunkSize);
        long to = Math.min(offset + length, (chunk + 1) * chunkSize);
        ByteBuffer piece = dst.slice(base + (int) (from - offset), (int) (to - from));
        store.readChunk(slot, (int) (from - chunk * chunkSize), piece);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        throw new org.understudy.storage.ReadOnlyDeviceException(name);
    }

    @Override
    public void flush() {
        // nothing is ever written
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        throw new org.understudy.storage.ReadOnlyDeviceException(name);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        throw new org.understudy.storage.ReadOnlyDeviceException(name);
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        // the store and the replica belong to their owners
    }
}
