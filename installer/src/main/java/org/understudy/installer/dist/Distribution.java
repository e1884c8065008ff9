package org.understudy.installer.dist;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.understudy.model.Version;
import org.understudy.replication.FrameCodec;

/**
 * The distribution the installer pushes: a directory ({@code bin/}, {@code lib/}, {@code conf/}, {@code mib/} and
 * its own Java runtime in {@code runtime/}), its version, the replication link protocol it speaks, and a manifest of
 * every file with its SHA-256. On a target it lives in {@code versions/<id>/} where {@link #id()} is the version and
 * the first 8 hex digits of the manifest's digest, so a rebuild of the same version is a different directory.
 * Immutable once {@link #scan}ned; thread-safe.
 *
 * @param dir          the distribution's directory
 * @param version      its version ({@code understudy --version})
 * @param linkProtocol the replication link protocol version its nodes speak
 */
public record Distribution(Path dir, String version, int linkProtocol, List<Entry> entries, String digest) {
    /** The manifest file every pushed version directory holds ({@code sha256sum -c} format). */
    public static final String MANIFEST = "MANIFEST.sha256";
    /** The build file every pushed version directory holds: version, linkProtocol, digest ({@code key=value}). */
    public static final String BUILD = "BUILD";

    /** One file, link or directory of the distribution, by its path relative to the directory. */
    public record Entry(String path, Kind kind, long size, String sha256, boolean executable, String linkTarget) {
    }

    /** What an entry is. */
    public enum Kind { DIRECTORY, FILE, SYMLINK }

    public Distribution {
        entries = List.copyOf(entries);
    }

    /** The distribution this process runs from ({@code understudy.home}), as this build's version and protocol. */
    public static Distribution running() {
        String home = System.getProperty("understudy.home");
        if (home == null) {
            throw new IllegalStateException("understudy.home is not set: run the installer through bin/understudy");
        }
        return scan(Path.of(home), Version.current(), FrameCodec.VERSION);
    }

    /** Reads {@code dir} and checksums every file in it. */
    public static Distribution scan(Path dir, String version, int linkProtocol) {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted().toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.isEmpty() || skipped(rel)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    entries.add(new Entry(rel, Kind.SYMLINK, 0, null, false, Files.readSymbolicLink(p).toString()));
                } else if (Files.isDirectory(p)) {
                    entries.add(new Entry(rel, Kind.DIRECTORY, 0, null, false, null));
                } else {
                    boolean exec = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)
                            .contains(PosixFilePermission.OWNER_EXECUTE);
                    entries.add(new Entry(rel, Kind.FILE, Files.size(p), sha256(p), exec, null));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the distribution in " + dir + ": " + e.getMessage(), e);
        }
        if (entries.stream().noneMatch(e -> e.path().equals("bin/understudy"))) {
            throw new IllegalArgumentException(dir + " is not an Understudy distribution (no bin/understudy)");
        }
        MessageDigest md = newDigest();
        md.update(manifestText(entries).getBytes(StandardCharsets.UTF_8));
        md.update((version + "\n" + linkProtocol).getBytes(StandardCharsets.UTF_8));
        return new Distribution(dir, version, linkProtocol, entries, HexFormat.of().formatHex(md.digest()));
    }

    /** Files left out of the push: build markers and a runtime being built. */
    private static boolean skipped(String rel) {
        return rel.equals(".built") || rel.startsWith("runtime.tmp") || rel.equals(MANIFEST) || rel.equals(BUILD);
    }

    /** The name of its directory on targets: {@code <version>-<8 hex digits of the digest>}. */
    public String id() {
        return version + "-" + digest.substring(0, 8);
    }

    /** True when it carries its own Java runtime. */
    public boolean hasRuntime() {
        return entries.stream().anyMatch(e -> e.path().equals("runtime/bin/java"));
    }

    public long bytes() {
        return entries.stream().mapToLong(Entry::size).sum();
    }

    /** The {@value #BUILD} file's text. */
    public String buildText() {
        return "version=" + version + "\nlinkProtocol=" + linkProtocol + "\ndigest=" + digest + "\nid=" + id() + "\n";
    }

    /**
     * Writes the distribution as a gzip-compressed tar (top level: its files, plus {@value #MANIFEST} and
     * {@value #BUILD}) to {@code file}, once, so every target gets the same bytes.
     */
    public void writeArchive(Path file) throws IOException {
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             GZIPOutputStream gz = new GZIPOutputStream(raw, 1 << 16) {
                 {
                     def.setLevel(Deflater.BEST_SPEED);
                 }
             };
             TarWriter tar = new TarWriter(gz, System.currentTimeMillis() / 1000)) {
            for (Entry e : entries) {
                switch (e.kind()) {
                    case DIRECTORY -> tar.directory(e.path());
                    case SYMLINK -> tar.symlink(e.path(), e.linkTarget());
                    case FILE -> tar.file(e.path(), e.executable() ? 0755 : 0644, dir.resolve(e.path()));
                }
            }
            tar.file(MANIFEST, 0644, manifestText(entries).getBytes(StandardCharsets.UTF_8));
            tar.file(BUILD, 0644, buildText().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String manifestText(List<Entry> entries) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            if (e.kind() == Kind.FILE) {
                sb.append(e.sha256()).append("  ").append(e.path()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest md = newDigest();
        try (var in = Files.newInputStream(p)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
