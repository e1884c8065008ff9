package org.understudy.resync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
 * <p>This class holds the durable side: the file, the hot extents, snapshots, flush and close. The region bits and
 * their arithmetic (ranges, counts, bytes) are {@link RegionBits}.
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

    private final String name;
    private final Path path;
    private final BitmapFileLayout layout;
    private final LongSupplier nanoClock;
    private final BitmapFile file;
    private final int extentShift;
    private final long regionCount;

    private final RegionBits bits;   // one bit a region: the dirty set
    private final long[] fastHot;    // extents writers may rely on; always a subset of diskHot
    private final long[] diskHot;    // extents hot in the file (guarded by ioLock)
    private final long[] touched;    // extents written since the last flush (a hint for retirement only)
    private volatile boolean changedSinceSnapshot;

    // Fair: a writer waiting to make an extent hot must not be starved by back-to-back flushes.
    private final ReentrantLock ioLock = new ReentrantLock(true);
    private long snapshotSeq;        // sequence of the newest durable snapshot (guarded by ioLock)
    private boolean closed;          // guarded by ioLock
    private boolean forcePending;    // a hot record was written but its force failed (guarded by ioLock)

    private final LongAdder hotForces = new LongAdder();
    private final HotAhead hotAhead;

    private DirtyBitmap(String name, BitmapFile file, BitmapFileLayout layout, LongSupplier nanoClock) {
        this.name = name;
        this.hotAhead = new HotAhead(name);
        this.path = file.path();
        this.layout = layout;
        this.nanoClock = nanoClock;
        this.file = file;
        this.extentShift = Integer.numberOfTrailingZeros(layout.extentSize());
        this.regionCount = layout.regionCount();
        this.bits = new RegionBits(name, layout.volumeSize(), layout.regionSize());
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
                bits.setAll();
                changedSinceSnapshot = true;
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
            diskHot[w] &= RegionBits.usedMask(w, layout.extentCount());
        }
        if (badRecords > 0) {
            LOG.warn("{}: {} hot-extent record(s) failed their CRC32C; treating their {} extents as hot", name,
                    badRecords, badRecords * 64);
        }
        long[] slotAndSeq = file.readNewestSnapshot(bits.words());
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
                long first = bits.regionOf(extent << extentShift);
                long last = Math.min(regionCount, bits.regionOf((extent + 1) << extentShift)) - 1;
                bits.set(first, last);
            }
        }
        long count = bits.recount(); // drops bits past the last region, counts the snapshot's and the extents'
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
        if (!bits.checkRange(offset, length)) {
            return;
        }
        long end = offset + length - 1;
        if (bits.set(bits.regionOf(offset), bits.regionOf(end)) != 0) {
            changedSinceSnapshot = true;
        }
        long firstExtent = offset >>> extentShift;
        long lastExtent = end >>> extentShift;
        // bits set above, then the hot set read: see the class comment
        if (!RegionBits.touchAndTest(touched, fastHot, firstExtent, lastExtent)) {
            makeHotDurably(offset, firstExtent, lastExtent);
        }
    }

    /** Extents a stream makes hot ahead of itself ({@link HotAhead}); 0 (the default): only those a write touches. */
    public void hotAhead(int extents) {
        hotAhead.extents(extents);
    }

    private void makeHotDurably(long offset, long firstExtent, long touchedLast) throws IOException {
        ioLock.lock();
        try {
            ensureOpen();
            long started = nanoClock.getAsLong();
            int written = 0;
            long lastExtent = hotAhead.lastExtent(offset, firstExtent, touchedLast, extentShift, diskHot,
                    layout.extentCount());
            // touched: extents made hot ahead survive the next flush, so a stream reaches them before they retire
            RegionBits.orRange(touched, touchedLast + 1, lastExtent);
            for (long e = firstExtent; e <= lastExtent; ) {
                int w = (int) (e >>> 6);
                long wordEnd = Math.min(lastExtent, ((long) w << 6) + 63);
                long m = RegionBits.rangeMask(e & 63, wordEnd & 63);
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
            RegionBits.orRange(fastHot, firstExtent, lastExtent);
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
        if (!bits.checkRange(offset, length)) {
            return;
        }
        clearRegions(bits.regionOf(offset), bits.regionOf(offset + length - 1));
    }

    /** Clears one region by index; see {@link #clear}. */
    public void clearRegion(long region) {
        bits.checkRegion(region);
        clearRegions(region, region);
    }

    private void clearRegions(long firstRegion, long lastRegion) {
        if (bits.clear(firstRegion, lastRegion) != 0) {
            changedSinceSnapshot = true;
        }
    }

    /** Whether region {@code region} is dirty in memory (a point-in-time answer). */
    public boolean isDirty(long region) {
        bits.checkRegion(region);
        return bits.get(region);
    }

    /**
     * The first dirty region with index {@code >= fromRegion}, or -1 if none: iterate in disk order, and resume an
     * interrupted resync from where it stopped.
     */
    public long nextDirtyRegion(long fromRegion) {
        return bits.nextSet(fromRegion);
    }

    /**
     * The dirty regions as byte ranges in disk order, neighbours merged up to {@code maxLength} bytes a range (a
     * point-in-time answer).
     */
    public List<ByteRange> dirtyRanges(long maxLength) {
        return bits.ranges(maxLength);
    }

    /** Number of dirty regions (point in time). */
    public long dirtyRegionCount() {
        return bits.setCount();
    }

    /** Bytes covered by dirty regions; the last region counts only its part inside the volume. */
    public long dirtyBytes() {
        return bits.bytes();
    }

    /** Byte offset of region {@code region} in the volume. */
    public long regionOffset(long region) {
        return bits.offset(region);
    }

    /** Length of region {@code region}: the region size, less for a last region cut by the volume's end. */
    public int regionLength(long region) {
        return bits.length(region);
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
        return RegionBits.countSet(fastHot);
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
            bits.setAll();
            changedSinceSnapshot = true;
            writeSnapshot();
            LOG.info("{}: all {} regions marked dirty for a full resync ({} were dirty before)", name, regionCount,
                    before);
        } finally {
            ioLock.unlock();
        }
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
            // Removed from the fast set before the bits are read: see the class comment.
            long retiring = RegionBits.keepTouched(fastHot, touched);
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
                    long keep = RegionBits.word(fastHot, w);
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
            file.writeSnapshot(seq, bits.words());
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
            RegionBits.clearAll(fastHot); // every later mark takes the slow path and fails there
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
}
