package org.understudy.snapshot;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.understudy.model.SnapshotKind;

/**
 * A replica image file with its snapshot store and writer, for the snapshot tests: opens, reopens (as after a
 * restart) and takes snapshots the way the standby does (begin, seal each volume, complete).
 */
final class StoreFixture implements AutoCloseable {
    static final String VOLUME = "vol0";
    final Path dir;
    final long size;
    final int chunk;
    final long limit;
    SnapshotStore store;
    FileChannel image;
    CowWriter writer;

    StoreFixture(Path dir, long size, int chunk, long limit) throws IOException {
        this.dir = dir;
        this.size = size;
        this.chunk = chunk;
        this.limit = limit;
        open();
    }

    void open() throws IOException {
        image = FileChannel.open(dir.resolve("vol0.img"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (image.size() == 0) {
            image.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
        store = SnapshotStore.open(dir.resolve("snapshots"), "p1", chunk, limit);
        writer = new CowWriter(store, VOLUME, image, size);
    }

    void reopen() throws IOException {
        close();
        open();
    }

    long snapshot(String name) throws IOException {
        long id = store.begin(name, Instant.now(), SnapshotKind.MANUAL, false, List.of(VOLUME), List.of());
        store.seal(id, VOLUME, true);
        store.complete(id);
        return id;
    }

    byte[] readImage(long id) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) size);
        writer.image(id, "p1/vol0@" + id).read(0, b);
        return b.array();
    }

    byte[] readLive() throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) size);
        writer.read(0, b);
        return b.array();
    }

    @Override
    public void close() throws IOException {
        store.close();
        image.close();
    }
}
