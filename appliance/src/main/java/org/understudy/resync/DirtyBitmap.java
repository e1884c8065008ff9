package org.understudy.resync;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.storage.DurableFiles;

/**
 * Persistent dirty-region bitmap of one volume on the primary: one bit per region (64 KiB by default, about 2 MB of
 * memory per TiB) telling which regions may differ on the replica and must travel in the next resync.
 *
 * <h2>Invariant</h2>
 * <b>Every region that might differ on the replica is covered on disk before the write that dirtied it is
 * acknowledged.</b> "Covered" means: its bit is set in the durable snapshot, or it lies in an extent (4 MiB by default)
 * that is marked hot in the durable hot-extent records. On {@link #open open} the in-memory bitmap is the union of the
 * newest valid snapshot and every region of every hot extent, so a crash at any instant can only <em>add</em> dirty
 * regions (extra resync), never lose one.
 *
 * <h2>Activity-log scheme (why most writes cost no I/O)</h2>
 * <ul>
 *   <li>{@link #markBeforeWrite} sets the region bits in memory, then checks that every extent the write touches is
 *       hot on disk. If so (the common case: writes cluster) it returns with no I/O at all. Otherwise it writes the
 *       16-byte hot record of each new extent and forces the file once before returning.</li>
 *   <li>{@link #clear} / {@link #clearRegion} only change memory; the next {@link #flush()} persists them. A stale set
 *       bit costs only extra resync.</li>
 *   <li>{@link #flush()} (called by the owner's housekeeping, e.g. every second) retires hot extents that saw no write
 *       since the previous flush: it removes them from the in-memory hot set, writes a full snapshot of the region
 *       bits to slot 0 and then to slot 1 (each forced), and only then clears their hot records. A retired extent's dirty bits
 *       are therefore in the durable snapshot before it stops being hot; the next write into it forces it hot
 *       again.</li>
 * </ul>
 * The race between a writer on the fast path and a flush retiring the same extent is closed Dekker-style with
 * volatile accesses: the writer sets its bits <em>then</em> reads the hot set; the flusher clears the hot set
 * <em>then</em> reads the bits. Either the writer sees the extent gone (and takes the slow path) or the flusher sees the
 * bits (and they go into the snapshot).
 *
 * <h2>Caller contract</h2>
 * Clear a region only when the standby has confirmed its content and no write to it is still unconfirmed; a clear that
 * races a newer, unconfirmed write to the same region would lose that write's bit.
 *
 * <p>Thread-safety: all methods are safe for concurrent use. {@code markBeforeWrite} on a hot extent takes no lock and
 * allocates nothing; disk I/O is serialised by one internal lock (slow path, flush, markAll, close).
 */
public final class DirtyBitmap implements AutoCloseable {

    /** Default region size: 64 KiB. */
    public static final int DEFAULT_REGION_SIZE = 64 * 1024;
    /** Default activity-log extent size: 4 MiB. */
    public static final int DEFAULT_EXTENT_SIZE = 4 * 1024 * 1024;

    /** What {@link #open} does with a missing, corrupt or mismatched file. */
    public enum OnBadFile {
        /** Throw {@link DirtyBitmapException}; the caller stops and alarms. */
        FAIL,
        /** Log the reason, replace the file with a fresh one in which every region is dirty (full resync). */
        TREAT_ALL_DIRTY
    }

    private static final Logger LOG = LogManager.getLogger(DirtyBitmap.class);
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final String name;
    private final Path path;
    private final BitmapFileLayout layout;
    private final LongSupplier nanoClock;
    private final BitmapFile file;
    private final int regionShift;
    private final int extentShift;
    private final long regionCount;

    private final long[] bits;       // region bits; VarHandle access only
    private final long[] fastHot;    // extents writers may rely on; always a subset of diskHot
    private final long[] diskHot;    // extents hot in the file (guarded by ioLock)
    private final long[] touched;    // extents written since the last flush (a hint for retirement only)
    private final LongAdder dirtyRegions = new LongAdder();
    private volatile boolean changedSinceSnapshot;

    // Fair: a writer waiting to make an extent hot must not be starved by back-to-back flushes.
    private final ReentrantLock ioLock = new ReentrantLock(true);
    private long snapshotSeq;        // sequence of the newest durable snapshot (guarded by ioLock)
    private boolean closed;          // guarded by ioLock
    private boolean forcePending;    // a hot record was written but its force failed (guarded by ioLock)

    private final LongAdder hotForces = new LongAdder();

    private DirtyBitmap(String name, BitmapFile file, BitmapFileLayout layout, LongSupplier nanoClock) {
        this.name = name;
        this.path = file.path();
        this.layout = layout;
        this.nanoClock = nanoClock;
        this.file = file;
        this.regionShift = Integer.numberOfTrailingZeros(layout.regionSize());
        this.extentShift = Integer.numberOfTrailingZeros(layout.extentSize());
        this.regionCount = layout.regionCount();
        this.bits = new long[layout.regionWords()];
        this.fastHot = new long[layout.extentWords()];
        this.diskHot = new long[layout.extentWords()];
        this.touched = new long[layout.extentWords()];
    }

    /**
     * Creates a new bitmap file (failing if one exists) with every region clean, or every region dirty with
     * {@code allDirty} (a replica that needs a full copy).
     *
     * @param name        prefix for log lines, e.g. {@code p1/vol0}
     * @param nanoClock   monotonic nanoseconds, used only to time I/O for the logs
     */
    public static DirtyBitmap create(String name, Path path, long volumeSize, int regionSize, int extentSize,
                                     boolean allDirty, LongSupplier nanoClock) throws IOException {
        BitmapFileLayout layout = new BitmapFileLayout(volumeSize, regionSize, extentSize);
        BitmapFile f = BitmapFile.createNew(path, layout);
        DirtyBitmap bm = new DirtyBitmap(name, f, layout, nanoClock);
        try {
            bm.initialiseFile(allDirty);
        } catch (IOException | RuntimeException e) {
            f.close();
            Files.deleteIfExists(path);
            throw e;
        }
        LOG.info("{}: created dirty bitmap {} ({} regions of {} B, {} extents of {} B, all dirty: {})", name, path,
                layout.regionCount(), regionSize, layout.extentCount(), extentSize, allDirty);
        return bm;
    }

    /**
     * Opens an existing bitmap file. The dirty set is the newest valid snapshot plus every region of every hot extent.
     *
     * @throws DirtyBitmapException with {@link OnBadFile#FAIL} when the file is missing, corrupt or mismatched
     */
    public static DirtyBitmap open(String name, Path path, long volumeSize, int regionSize, int extentSize,
                                   OnBadFile onBad, LongSupplier nanoClock) throws IOException {
        BitmapFileLayout layout = new BitmapFileLayout(volumeSize, regionSize, extentSize);
        BitmapFile f;
        try {
            f = BitmapFile.openExisting(path, layout);
        } catch (NoSuchFileException e) {
            return fallback(name, path, layout, onBad, nanoClock,
                    new DirtyBitmapException(DirtyBitmapException.Reason.MISSING, path + " does not exist"));
        }
        DirtyBitmap bm = new DirtyBitmap(name, f, layout, nanoClock);
        try {
            bm.load();
            return bm;
        } catch (DirtyBitmapException e) {
            f.close();
            return fallback(name, path, layout, onBad, nanoClock, e);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static DirtyBitmap fallback(String name, Path path, BitmapFileLayout layout, OnBadFile onBad,
                                        LongSupplier nanoClock, DirtyBitmapException cause) throws IOException {
        if (onBad == OnBadFile.FAIL) {
            LOG.error("{}: dirty bitmap refused: {}", name, cause.getMessage());
            throw cause;
        }
        Path aside = path.resolveSibling(path.getFileName() + ".bad-" + System.currentTimeMillis());
        if (Files.exists(path)) {
            Files.move(path, aside);
        }
        LOG.warn("{}: dirty bitmap unusable ({}); kept as {}, treating all {} regions as dirty (full resync)", name,
                cause.getMessage(), aside, layout.regionCount());
        return create(name, path, layout.volumeSize(), layout.regionSize(), layout.extentSize(), true, nanoClock);
    }

    private void initialiseFile(boolean allDirty) throws IOException {
        ioLock.lock();
        try {
            file.initialise();
            if (allDirty) {
                setAllBits();
            }
            snapshotSeq = 0;
            writeSnapshot();
            file.force(true);
        } finally {
            ioLock.unlock();
        }
        DurableFiles.fsyncDirectory(path.toAbsolutePath().getParent());
    }

    private void load() throws IOException {
        file.checkHeader();
        int badRecords = file.readHotRecords(diskHot);
        for (int w = 0; w < diskHot.length; w++) {
            diskHot[w] &= validExtentMask(w);
        }
        if (badRecords > 0) {
            LOG.warn("{}: {} hot-extent record(s) failed their CRC32C; treating their {} extents as hot", name,
                    badRecords, badRecords * 64);
        }
        long[] slotAndSeq = file.readNewestSnapshot(bits);
        bits[bits.length - 1] &= lastWordMask();
        snapshotSeq = slotAndSeq[1];
        if (slotAndSeq[2] > 0) {
            LOG.warn("{}: snapshot slot {} failed its CRC32C (torn write or damage); using slot {} (seq {})", name,
                    1 - slotAndSeq[0], slotAndSeq[0], snapshotSeq);
        }
        long hotExtents = 0;
        for (int w = 0; w < diskHot.length; w++) {
            fastHot[w] = diskHot[w];
            hotExtents += Long.bitCount(diskHot[w]);
            for (long x = diskHot[w]; x != 0; x &= x - 1) {
                long extent = ((long) w << 6) + Long.numberOfTrailingZeros(x);
                long first = extent << (extentShift - regionShift);
                long last = Math.min(regionCount, first + (1L << (extentShift - regionShift))) - 1;
                setRange(first, last);
            }
        }
        long count = 0;
        for (long word : bits) {
            count += Long.bitCount(word);
        }
        dirtyRegions.reset(); // setRange above counted the hot extents' regions already; recount from the bits
        dirtyRegions.add(count);
        changedSinceSnapshot = true;
        LOG.info("{}: opened dirty bitmap {}: snapshot slot {} seq {}, {} hot extent(s), {} dirty region(s) = {} B",
                name, path, slotAndSeq[0], snapshotSeq, hotExtents, count, dirtyBytes());
    }

    // ---------------------------------------------------------------- hot path

    /**
     * Marks every region touched by {@code [offset, offset + length)} dirty, durably, before the caller lets the write
     * proceed or acknowledges it. Costs no I/O when every touched extent is already hot on disk; otherwise forces one
     * small record per new extent with one fsync.
     *
     * @throws IllegalArgumentException for a range outside the volume
     * @throws IOException if the hot record could not be made durable: the write must then fail, not be acknowledged
     */
    public void markBeforeWrite(long offset, long length) throws IOException {
        if (!checkRange(offset, length)) {
            return;
        }
        long end = offset + length - 1;
        setRange(offset >>> regionShift, end >>> regionShift);
        long firstExtent = offset >>> extentShift;
        long lastExtent = end >>> extentShift;
        boolean allHot = true;
        for (long e = firstExtent; e <= lastExtent; e++) {
            int w = (int) (e >>> 6);
            long m = 1L << e;
            if (((long) WORDS.getOpaque(touched, w) & m) == 0) {
                WORDS.getAndBitwiseOr(touched, w, m);
            }
            if (((long) WORDS.getVolatile(fastHot, w) & m) == 0) {
                allHot = false;
            }
        }
        if (!allHot) {
            makeHotDurably(firstExtent, lastExtent);
        }
    }

    private void setRange(long firstRegion, long lastRegion) {
        for (long r = firstRegion; r <= lastRegion; ) {
            int w = (int) (r >>> 6);
            long wordEnd = Math.min(lastRegion, ((long) w << 6) + 63);
            long m = rangeMask(r & 63, wordEnd & 63);
            long cur = (long) WORDS.getVolatile(bits, w);
            if ((cur & m) != m) {
                long prev = (long) WORDS.getAndBitwiseOr(bits, w, m);
                long newly = m & ~prev;
                if (newly != 0) {
                    dirtyRegions.add(Long.bitCount(newly));
                    changedSinceSnapshot = true;
                }
            }
            r = wordEnd + 1;
        }
    }

    private static long rangeMask(long fromBit, long toBit) {
        long upTo = toBit == 63 ? -1L : (1L << (toBit + 1)) - 1;
        return upTo & (-1L << fromBit);
    }

    private void makeHotDurably(long firstExtent, long lastExtent) throws IOException {
        ioLock.lock();
        try {
            ensureOpen();
            long started = nanoClock.getAsLong();
            int written = 0;
            for (long e = firstExtent; e <= lastExtent; ) {
                int w = (int) (e >>> 6);
                long wordEnd = Math.min(lastExtent, ((long) w << 6) + 63);
                long m = rangeMask(e & 63, wordEnd & 63);
                if ((diskHot[w] & m) != m) {
                    diskHot[w] |= m;
                    writeHotRecord(w);
                    written++;
                }
                e = wordEnd + 1;
            }
            if (written > 0 || forcePending) {
                // Until this force succeeds, diskHot is ahead of the disk; a failed force leaves forcePending so
                // the next writer into any of these extents forces again instead of trusting diskHot.
                forcePending = true;
                file.force(false);
                forcePending = false;
                hotForces.increment();
            }
            for (long e = firstExtent; e <= lastExtent; ) {
                int w = (int) (e >>> 6);
                long wordEnd = Math.min(lastExtent, ((long) w << 6) + 63);
                WORDS.getAndBitwiseOr(fastHot, w, rangeMask(e & 63, wordEnd & 63));
                e = wordEnd + 1;
            }
            if (written > 0 && LOG.isDebugEnabled()) {
                LOG.debug("{}: extents {}..{} made hot ({} record(s) forced in {} us, {} extent(s) hot)", name,
                        firstExtent, lastExtent, written, (nanoClock.getAsLong() - started) / 1000, hotExtentCount());
            }
        } finally {
            ioLock.unlock();
        }
    }

    // ---------------------------------------------------------------- clearing and queries

    /**
     * Clears every region touched by {@code [offset, offset + length)}: the standby has confirmed their content.
     * Persisted lazily by the next {@link #flush()}. See the caller contract in the class comment.
     */
    public void clear(long offset, long length) {
        if (!checkRange(offset, length)) {
            return;
        }
        clearRegions(offset >>> regionShift, (offset + length - 1) >>> regionShift);
    }

    /** Clears one region by index; see {@link #clear}. */
    public void clearRegion(long region) {
        checkRegion(region);
        clearRegions(region, region);
    }

    private void clearRegions(long firstRegion, long lastRegion) {
        for (long r = firstRegion; r <= lastRegion; ) {
            int w = (int) (r >>> 6);
            long wordEnd = Math.min(lastRegion, ((long) w << 6) + 63);
            long m = rangeMask(r & 63, wordEnd & 63);
            if (((long) WORDS.getVolatile(bits, w) & m) != 0) {
                long prev = (long) WORDS.getAndBitwiseAnd(bits, w, ~m);
                long cleared = prev & m;
                if (cleared != 0) {
                    dirtyRegions.add(-Long.bitCount(cleared));
                    changedSinceSnapshot = true;
                }
            }
            r = wordEnd + 1;
        }
    }

    /** Whether region {@code region} is dirty in memory (a point-in-time answer). */
    public boolean isDirty(long region) {
        checkRegion(region);
        return ((long) WORDS.getVolatile(bits, (int) (region >>> 6)) & (1L << region)) != 0;
    }

    /**
     * The first dirty region with index {@code >= fromRegion}, or -1 if none: iterate in disk order, and resume an
     * interrupted resync from where it stopped.
     */
    public long nextDirtyRegion(long fromRegion) {
        if (fromRegion < 0) {
            fromRegion = 0;
        }
        if (fromRegion >= regionCount) {
            return -1;
        }
        int w = (int) (fromRegion >>> 6);
        long word = (long) WORDS.getVolatile(bits, w) & (-1L << fromRegion);
        while (true) {
            if (word != 0) {
                long r = ((long) w << 6) + Long.numberOfTrailingZeros(word);
                return r < regionCount ? r : -1;
            }
            if (++w >= bits.length) {
                return -1;
            }
            word = (long) WORDS.getVolatile(bits, w);
        }
    }

    /**
     * The dirty regions as byte ranges in disk order, neighbours merged up to {@code maxLength} bytes a range (a
     * point-in-time answer).
     */
    public List<ByteRange> dirtyRanges(long maxLength) {
        List<ByteRange> out = new ArrayList<>();
        long r = nextDirtyRegion(0);
        while (r >= 0) {
            long start = regionOffset(r);
            long end = start + regionLength(r);
            long next = nextDirtyRegion(r + 1);
            while (next == r + 1 && end - start < maxLength) {
                r = next;
                end = regionOffset(r) + regionLength(r);
                next = nextDirtyRegion(r + 1);
            }
            out.add(new ByteRange(start, end - start));
            r = next;
        }
        return out;
    }

    /** Number of dirty regions (point in time). */
    public long dirtyRegionCount() {
        return dirtyRegions.sum();
    }

    /** Bytes covered by dirty regions; the last region counts only its part inside the volume. */
    public long dirtyBytes() {
        long bytes = dirtyRegionCount() * layout.regionSize();
        long last = regionCount - 1;
        if (isDirty(last)) {
            bytes -= layout.regionSize() - regionLength(last);
        }
        return Math.max(0, bytes);
    }

    /** Byte offset of region {@code region} in the volume. */
    public long regionOffset(long region) {
        checkRegion(region);
        return region << regionShift;
    }

    /** Length of region {@code region}: the region size, less for a last region cut by the volume's end. */
    public int regionLength(long region) {
        checkRegion(region);
        return (int) Math.min(layout.regionSize(), layout.volumeSize() - (region << regionShift));
    }

    public long regionCount() {
        return regionCount;
    }

    public int regionSize() {
        return layout.regionSize();
    }

    public int extentSize() {
        return layout.extentSize();
    }

    public long volumeSize() {
        return layout.volumeSize();
    }

    /** Extents currently hot in memory (writers into them pay no I/O). */
    public long hotExtentCount() {
        long n = 0;
        for (int w = 0; w < fastHot.length; w++) {
            n += Long.bitCount((long) WORDS.getVolatile(fastHot, w));
        }
        return n;
    }

    /** How many times a write had to force a new hot extent to disk since open (for metrics). */
    public long hotExtentForces() {
        return hotForces.sum();
    }

    // ---------------------------------------------------------------- persistence

    /** Marks every region dirty (a full resync) and makes that durable before returning. */
    public void markAll() throws IOException {
        ioLock.lock();
        try {
            ensureOpen();
            long before = dirtyRegionCount();
            setAllBits();
            writeSnapshot();
            LOG.info("{}: all {} regions marked dirty for a full resync ({} were dirty before)", name, regionCount,
                    before);
        } finally {
            ioLock.unlock();
        }
    }

    private void setAllBits() {
        for (int w = 0; w < bits.length; w++) {
            long m = w == bits.length - 1 ? lastWordMask() : -1L;
            long prev = (long) WORDS.getAndBitwiseOr(bits, w, m);
            dirtyRegions.add(Long.bitCount(m & ~prev));
        }
        changedSinceSnapshot = true;
    }

    /**
     * Persists cleared bits and retires hot extents that saw no write since the previous flush. Call it periodically
     * (about once a second) from one housekeeping thread, and before a clean shutdown. Writers into extents that are
     * not being retired are not delayed; writers that need a new hot extent wait for the flush's I/O.
     */
    public void flush() throws IOException {
        ioLock.lock();
        try {
            ensureOpen();
            long started = nanoClock.getAsLong();
            long retiring = 0;
            for (int w = 0; w < fastHot.length; w++) {
                long idle = (long) WORDS.getVolatile(fastHot, w) & ~(long) WORDS.getAndSet(touched, w, 0L);
                if (idle != 0) {
                    // Removed from the fast set before the bits are read: see the class comment.
                    WORDS.getAndBitwiseAnd(fastHot, w, ~idle);
                    retiring += Long.bitCount(idle);
                }
            }
            boolean wroteSnapshot = false;
            if (changedSinceSnapshot || retiring > 0) {
                // A snapshot is needed to retire only if bits changed since the last durable one; else it already
                // holds every bit of the retiring extents.
                if (changedSinceSnapshot) {
                    writeSnapshot();
                    wroteSnapshot = true;
                }
            }
            if (retiring > 0) {
                for (int w = 0; w < diskHot.length; w++) {
                    long keep = (long) WORDS.getVolatile(fastHot, w);
                    if (diskHot[w] != keep) {
                        diskHot[w] = keep;
                        writeHotRecord(w); // no force: a stale hot record only widens the next resync
                    }
                }
            }
            if (wroteSnapshot || retiring > 0) {
                LOG.debug("{}: bitmap flush: snapshot {} (seq {}), {} dirty region(s), retired {} idle extent(s), "
                                + "{} hot, {} us", name, wroteSnapshot ? "written" : "unchanged", snapshotSeq,
                        dirtyRegionCount(), retiring, hotExtentCount(), (nanoClock.getAsLong() - started) / 1000);
            }
        } finally {
            ioLock.unlock();
        }
    }

    /** Writes the region bits to both snapshot slots, forcing each; caller holds ioLock. */
    private void writeSnapshot() throws IOException {
        long seq = snapshotSeq + 1;
        changedSinceSnapshot = false; // before reading bits: a concurrent change re-raises it
        try {
            file.writeSnapshot(seq, bits);
        } catch (IOException | RuntimeException e) {
            changedSinceSnapshot = true;
            throw e;
        }
        snapshotSeq = seq;
    }

    private void writeHotRecord(int w) throws IOException {
        file.writeHotRecord(w, diskHot[w]);
    }

    /** Persists everything ({@link #flush()}), then closes the file. Later calls fail with IllegalStateException. */
    @Override
    public void close() throws IOException {
        ioLock.lock();
        try {
            if (closed) {
                return;
            }
            flush();
            file.force(true);
            closed = true;
            for (int w = 0; w < fastHot.length; w++) {
                WORDS.setVolatile(fastHot, w, 0L); // every later mark takes the slow path and fails there
            }
            file.close();
            LOG.info("{}: dirty bitmap closed with {} dirty region(s) = {} B", name, dirtyRegionCount(), dirtyBytes());
        } finally {
            ioLock.unlock();
        }
    }

    // ---------------------------------------------------------------- helpers

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(name + ": dirty bitmap is closed");
        }
    }

    private boolean checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > layout.volumeSize() - length) {
            throw new IllegalArgumentException(name + ": range [" + offset + ", +" + length
                    + ") is outside the volume of " + layout.volumeSize() + " B");
        }
        return length > 0;
    }

    private void checkRegion(long region) {
        if (region < 0 || region >= regionCount) {
            throw new IllegalArgumentException(name + ": region " + region + " outside [0, " + regionCount + ")");
        }
    }

    private long lastWordMask() {
        int used = (int) (regionCount & 63);
        return used == 0 ? -1L : (1L << used) - 1;
    }

    private long validExtentMask(int w) {
        long extents = layout.extentCount();
        if (w < (extents >>> 6)) {
            return -1L;
        }
        int used = (int) (extents & 63);
        return used == 0 ? -1L : (1L << used) - 1;
    }
}
