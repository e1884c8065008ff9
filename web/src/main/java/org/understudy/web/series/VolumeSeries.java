package org.understudy.web.series;

/**
 * One volume's samples over the last hour in fixed arrays used as a ring: wall time in seconds, replication
 * throughput, write latency p99, dirty bytes, backlog and resync progress. Not thread-safe: {@link SeriesStore}
 * guards it.
 */
final class VolumeSeries {
    static final int METRICS = 5;
    static final int THROUGHPUT = 0;
    static final int LATENCY_P99_MS = 1;
    static final int DIRTY = 2;
    static final int BACKLOG = 3;
    static final int RESYNC_PERCENT = 4;

    private final long[] times;
    private final float[][] values;
    private int next;
    private int size;
    long lastBytes = -1;
    long lastNanos;

    VolumeSeries(int capacity) {
        times = new long[capacity];
        values = new float[METRICS][capacity];
    }

    void add(long epochSecond, double[] sample) {
        times[next] = epochSecond;
        for (int m = 0; m < METRICS; m++) {
            values[m][next] = (float) sample[m];
        }
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
    }

    int size() {
        return size;
    }

    /** The i-th oldest sample's time. */
    long time(int i) {
        return times[index(i)];
    }

    float value(int metric, int i) {
        return values[metric][index(i)];
    }

    private int index(int i) {
        return (next - size + i + times.length) % times.length;
    }
}
