package org.understudy.resync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A byte range of a volume, as resyncs and failback copies move them. Immutable.
 *
 * @param offset first byte
 * @param length bytes, &gt; 0
 */
public record ByteRange(long offset, long length) {

    public ByteRange {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad range: offset " + offset + ", length " + length);
        }
    }

    public long end() {
        return offset + length;
    }

    /**
     * The union of any number of range lists: sorted, overlapping and touching ranges merged. What a failback copies
     * is such a union: the regions the stand-in wrote and those the primary may have written without the standby.
     */
    @SafeVarargs
    public static List<ByteRange> union(List<ByteRange>... lists) {
        List<ByteRange> all = new ArrayList<>();
        for (List<ByteRange> l : lists) {
            all.addAll(l);
        }
        all.sort(Comparator.comparingLong(ByteRange::offset));
        List<ByteRange> out = new ArrayList<>();
        long start = -1;
        long end = -1;
        for (ByteRange r : all) {
            if (start >= 0 && r.offset() <= end) {
                end = Math.max(end, r.end());
                continue;
            }
            if (start >= 0) {
                out.add(new ByteRange(start, end - start));
            }
            start = r.offset();
            end = r.end();
        }
        if (start >= 0) {
            out.add(new ByteRange(start, end - start));
        }
        return out;
    }

    /**
     * At most {@code maxCount} ranges covering at least every byte of {@code ranges} (sorted, merged): the smallest
     * gaps are closed first, so the extra bytes stay few. A copy that may move more than was changed, never less, can
     * ship a fragmented plan in a bounded message this way.
     */
    public static List<ByteRange> coarsen(List<ByteRange> ranges, int maxCount) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount " + maxCount);
        }
        List<ByteRange> out = union(ranges);
        long gap = 1;
        while (out.size() > maxCount) {
            List<ByteRange> next = new ArrayList<>(out.size());
            ByteRange cur = out.get(0);
            for (int i = 1; i < out.size(); i++) {
                ByteRange r = out.get(i);
                if (r.offset() - cur.end() <= gap) {
                    cur = new ByteRange(cur.offset(), r.end() - cur.offset());
                } else {
                    next.add(cur);
                    cur = r;
                }
            }
            next.add(cur);
            out = next;
            gap *= 2;
        }
        return out;
    }

    /** Total bytes of {@code ranges}. */
    public static long bytes(List<ByteRange> ranges) {
        return ranges.stream().mapToLong(ByteRange::length).sum();
    }
}
