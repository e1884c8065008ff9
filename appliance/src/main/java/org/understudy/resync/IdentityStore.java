package org.understudy.resync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.understudy.storage.DurableFiles;

/**
 * Reads and writes a {@link VolumeIdentity} as a small text file an operator can read:
 *
 * <pre>
 * understudy-identity 1
 * volume=2f6c...-...
 * current=8e3a51c2d07b4f19
 * bitmap-base=0000000000000000
 * history=1c44...,09ab...
 * consistent=true
 * epoch=3
 * crc32c=5d1e07aa
 * </pre>
 *
 * The CRC32C covers every byte before the {@code crc32c=} line. Saving is atomic (temp file, fsync, rename, fsync of
 * the directory), so a crash leaves either the old or the new identity. Stateless; callers serialise saves of one file.
 */
public final class IdentityStore {

    private static final String FIRST_LINE = "understudy-identity 1";

    private IdentityStore() {
    }

    /** Writes {@code id} to {@code file} atomically and durably. */
    public static void save(Path file, VolumeIdentity id) throws IOException {
        DurableFiles.writeAtomically(file, encode(id));
    }

    /**
     * Reads the identity in {@code file}; empty when there is no file (a fresh copy).
     *
     * @throws IOException with a clear message for a damaged or unreadable file: the caller refuses and alarms
     */
    public static Optional<VolumeIdentity> load(Path file) throws IOException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(decode(raw, file.toString()));
    }

    /** The file form of {@code id}, also used on the wire (the replication link's IDENTITY frame). */
    public static byte[] toBytes(VolumeIdentity id) {
        return encode(id);
    }

    /** Parses the file form; {@link IOException} naming {@code where} for anything damaged. */
    public static VolumeIdentity fromBytes(byte[] raw, String where) throws IOException {
        return decode(raw, where);
    }

    static byte[] encode(VolumeIdentity id) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(FIRST_LINE).append('\n');
        sb.append("volume=").append(id.volumeId() == null ? "-" : id.volumeId().toString()).append('\n');
        sb.append("current=").append(id.current()).append('\n');
        sb.append("bitmap-base=").append(id.bitmapBase()).append('\n');
        sb.append("history=");
        for (int i = 0; i < id.history().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(id.history().get(i));
        }
        sb.append('\n');
        sb.append("consistent=").append(id.consistent()).append('\n');
        sb.append("epoch=").append(id.epoch()).append('\n');
        byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        CRC32C crc = new CRC32C();
        crc.update(body);
        String tail = String.format("crc32c=%08x%n", crc.getValue()).replace(System.lineSeparator(), "\n");
        byte[] out = new byte[body.length + tail.length()];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, out, body.length, tail.length());
        return out;
    }

    static VolumeIdentity decode(byte[] raw, String where) throws IOException {
        String text = new String(raw, StandardCharsets.US_ASCII);
        int crcAt = text.lastIndexOf("crc32c=");
        if (!text.startsWith(FIRST_LINE + "\n") || crcAt < 0) {
            throw new IOException(where + ": not an Understudy identity file (bad first line or no crc32c line)");
        }
        CRC32C crc = new CRC32C();
        crc.update(raw, 0, crcAt);
        String storedCrc = text.substring(crcAt + 7).trim();
        if (!storedCrc.equals(String.format("%08x", crc.getValue()))) {
            throw new IOException(where + ": identity file CRC32C mismatch (stored " + storedCrc + ", computed "
                    + String.format("%08x", crc.getValue()) + ")");
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : text.substring(FIRST_LINE.length() + 1, crcAt).split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IOException(where + ": malformed line '" + line + "'");
            }
            kv.put(line.substring(0, eq), line.substring(eq + 1));
        }
        try {
            String vol = require(kv, "volume", where);
            List<Generation> history = new ArrayList<>();
            for (String h : require(kv, "history", where).split(",")) {
                if (!h.isBlank()) {
                    history.add(Generation.parse(h));
                }
            }
            String consistent = require(kv, "consistent", where);
            if (!consistent.equals("true") && !consistent.equals("false")) {
                throw new IOException(where + ": consistent must be true or false, was '" + consistent + "'");
            }
            return new VolumeIdentity(vol.equals("-") ? null : UUID.fromString(vol),
                    Generation.parse(require(kv, "current", where)),
                    Generation.parse(require(kv, "bitmap-base", where)), history, Boolean.parseBoolean(consistent),
                    Long.parseLong(require(kv, "epoch", where)));
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": bad value in identity file: " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> kv, String key, String where) throws IOException {
        String v = kv.get(key);
        if (v == null) {
            throw new IOException(where + ": identity file lacks '" + key + "'");
        }
        return v;
    }
}
