package org.understudy.installer.dist;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a POSIX ustar archive (directories, regular files, symbolic links), read on the targets by their own
 * {@code tar}. Names longer than 100 bytes are split into ustar's prefix and name at a slash. Not thread-safe.
 */
final class TarWriter implements AutoCloseable {
    private static final int BLOCK = 512;
    private final OutputStream out;
    private final long mtime;

    TarWriter(OutputStream out, long mtimeSeconds) {
        this.out = out;
        this.mtime = mtimeSeconds;
    }

    void directory(String name) throws IOException {
        header(name.endsWith("/") ? name : name + "/", 0755, 0, '5', "");
    }

    void symlink(String name, String target) throws IOException {
        header(name, 0777, 0, '2', target);
    }

    /**
     * A file with its own modification time: the CLI's class-data archive names the jars it was recorded over by
     * size and time, and the targets' {@code tar} restores the time.
     */
    void file(String name, int mode, Path source) throws IOException {
        long size = Files.size(source);
        header(name, mode, size, '0', "", Files.getLastModifiedTime(source).to(java.util.concurrent.TimeUnit.SECONDS));
        try (InputStream in = Files.newInputStream(source)) {
            long copied = in.transferTo(out);
            if (copied != size) {
                throw new IOException(source + " changed while it was archived (" + copied + " of " + size + " bytes)");
            }
        }
        pad(size);
    }

    void file(String name, int mode, byte[] content) throws IOException {
        header(name, mode, content.length, '0', "");
        out.write(content);
        pad(content.length);
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }

    private void header(String name, int mode, long size, char type, String link) throws IOException {
        header(name, mode, size, type, link, mtime);
    }

    private void header(String name, int mode, long size, char type, String link, long modified) throws IOException {
        byte[] h = new byte[BLOCK];
        String prefix = "";
        String n = name;
        if (utf8(n).length > 100) {
            int cut = n.lastIndexOf('/', n.length() - 2);
            while (cut > 0 && utf8(n.substring(cut + 1)).length > 100) {
                cut = n.lastIndexOf('/', cut - 1);
            }
            if (cut <= 0 || utf8(n.substring(0, cut)).length > 155) {
                throw new IOException("path too long for the archive: " + name);
            }
            prefix = n.substring(0, cut);
            n = n.substring(cut + 1);
        }
        put(h, 0, 100, utf8(n));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, modified);
        h[156] = (byte) type;
        put(h, 157, 100, utf8(link));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        put(h, 265, 32, utf8("root"));
        put(h, 297, 32, utf8("root"));
        put(h, 345, 155, utf8(prefix));
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        byte[] chk = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(chk, 0, h, 148, 8);
        out.write(h);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void put(byte[] h, int off, int len, byte[] v) throws IOException {
        if (v.length > len) {
            throw new IOException("archive field too long: " + new String(v, StandardCharsets.UTF_8));
        }
        System.arraycopy(v, 0, h, off, v.length);
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, Math.min(b.length, len - 1));
    }

    /** Ends the archive (two zero blocks) and flushes; the caller closes the stream. */
    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }
}
