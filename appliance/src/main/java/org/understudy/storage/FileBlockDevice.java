package org.understudy.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A block device backed by a regular file of exactly the device's size. Positional I/O only, so it is thread-safe
 * without locks. A missing file is created sparse; an existing file of another size is refused (never truncated).
 */
public final class FileBlockDevice implements BlockDevice {
    private static final int ZERO_CHUNK = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(ZERO_CHUNK).asReadOnlyBuffer();

    private final Path file;
    private final long size;
    private final FileChannel channel;
    private final String name;

    private FileBlockDevice(Path file, long size, FileChannel channel, String name) {
        this.file = file;
        this.size = size;
        this.channel = channel;
        this.name = name;
    }

    /** Opens {@code file}, creating it sparse with {@code size} bytes when it does not exist. */
    public static FileBlockDevice open(Path file, long size, String name) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException(name + ": size must be positive, was " + size);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long existing = ch.size();
            if (existing == 0) {
                // sparse: one zero byte at the end gives the file its size without allocating blocks
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            } else if (existing != size) {
                throw new IOException(name + ": backing file " + file + " is " + existing + " bytes, expected " + size
                        + " (refusing to resize an existing volume)");
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new FileBlockDevice(file, size, ch, name);
    }

    public Path file() {
        return file;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        check(offset, dst.remaining());
        long pos = offset;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, pos);
            if (n < 0) {
                throw new IOException(name + ": unexpected end of file at " + pos);
            }
            pos += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean fua) throws IOException {
        check(offset, src.remaining());
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
        if (fua) {
            channel.force(false);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void trim(long offset, long length, boolean fua) throws IOException {
        writeZeroes(offset, length, fua, true);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean fua, boolean mayTrim) throws IOException {
        check(offset, length);
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int n = (int) Math.min(ZERO_CHUNK, end - pos);
            ByteBuffer z = ZEROS.duplicate().limit(n);
            while (z.hasRemaining()) {
                pos += channel.write(z, pos);
            }
        }
        if (fua) {
            channel.force(false);
        }
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException(name + ": range " + offset + "+" + length + " outside device of " + size + " bytes");
        }
    }
}
