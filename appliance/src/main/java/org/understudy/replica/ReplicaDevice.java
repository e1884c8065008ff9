package org.understudy.replica;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.understudy.storage.BlockDevice;

/**
 * A replica served as a block device by the standby itself (standing in for its primary, or as a failback's copy
 * source): reads come from the image, every write goes through the replica's {@link org.understudy.snapshot.CowWriter},
 * so the snapshots of the replica keep their point in time while the standby serves it. Closing it leaves the replica
 * open (the replica store owns it). Thread-safe.
 */
final class ReplicaDevice implements BlockDevice {
    private final Replica replica;
    private final String name;

    ReplicaDevice(Replica replica, String name) {
        this.replica = replica;
        this.name = name;
    }

    @Override
    public long size() {
        return replica.volume().size();
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        check(offset, dst.remaining());
        replica.writer().read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        check(offset, src.remaining());
        replica.writer().write(offset, src);
        if (fua) {
            replica.force();
        }
    }

    @Override
    public void flush() throws IOException {
        replica.force();
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        writeZeroes(offset, length, fua, true);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        check(offset, length);
        replica.writer().zero(offset, length);
        if (fua) {
            replica.force();
        }
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() {
        // the replica store owns the replica
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size() - length) {
            throw new IllegalArgumentException(name + ": range " + offset + "+" + length + " outside device of "
                    + size() + " bytes");
        }
    }
}
