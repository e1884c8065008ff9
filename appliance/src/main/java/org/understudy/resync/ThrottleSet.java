package org.understudy.resync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The bandwidth caps for one kind of traffic (mirroring, or resync): one global bucket shared by every link and one
 * bucket per link. Traffic on a link must pass both its link's bucket and the global one. Rates are changeable at run
 * time; 0 means unlimited. Two independent sets exist (see {@link Throttles}), so resync never eats mirroring's
 * budget and the reverse.
 *
 * <p>Thread-safe. {@link Link#acquire} on unlimited buckets costs two volatile reads and allocates nothing.
 */
public final class ThrottleSet {

    private final String kind;
    private final LongSupplier clock;
    private final TokenBucket.Waiter waiter;
    private final TokenBucket global;
    private final Map<String, Link> links = new ConcurrentHashMap<>();

    /**
     * @param kind       {@code mirror} or {@code resync}, for logs
     * @param globalRate bytes per second for all links together; 0 = unlimited
     */
    public ThrottleSet(String kind, long globalRate, LongSupplier clock, TokenBucket.Waiter waiter) {
        this.kind = kind;
        this.clock = clock;
        this.waiter = waiter;
        this.global = new TokenBucket(kind + "/global", globalRate, 0, clock, waiter);
    }

    /**
     * The throttle for link {@code linkId} (e.g. the primary's name), created unlimited on first use. Look it up once
     * per link and keep it: the hot path then touches only the two buckets.
     */
    public Link link(String linkId) {
        return links.computeIfAbsent(linkId,
                id -> new Link(new TokenBucket(kind + "/" + id, 0, 0, clock, waiter), global));
    }

    /** Sets the global cap for this kind of traffic; 0 = unlimited. */
    public void setGlobalRate(long bytesPerSecond) {
        global.setRate(bytesPerSecond, 0);
    }

    /** Sets one link's cap for this kind of traffic; 0 = unlimited. */
    public void setLinkRate(String linkId, long bytesPerSecond) {
        link(linkId).bucket().setRate(bytesPerSecond, 0);
    }

    /** Forgets a link (its primary was removed); a thread still holding its {@link Link} keeps working. */
    public void removeLink(String linkId) {
        links.remove(linkId);
    }

    public long globalRate() {
        return global.rate();
    }

    /** The link's own cap, or 0 (unlimited) for a link never configured. */
    public long linkRate(String linkId) {
        Link l = links.get(linkId);
        return l == null ? 0 : l.bucket().rate();
    }

    public TokenBucket global() {
        return global;
    }

    /**
     * One link's view of a throttle set: both its own bucket and the shared global bucket apply. Thread-safe.
     */
    public static final class Link {
        private final TokenBucket own;
        private final TokenBucket global;

        Link(TokenBucket own, TokenBucket global) {
            this.own = own;
            this.global = global;
        }

        /**
         * Waits until {@code bytes} may pass both caps, then takes them from both. If interrupted while waiting on
         * the global cap, the tokens already taken from the link cap are given back.
         */
        public void acquire(long bytes) throws InterruptedException {
            own.acquire(bytes);
            try {
                global.acquire(bytes);
            } catch (InterruptedException e) {
                own.refund(bytes);
                throw e;
            }
        }

        /** Takes {@code bytes} from both caps if both allow it now, else from neither. */
        public boolean tryAcquire(long bytes) {
            if (!own.tryAcquire(bytes)) {
                return false;
            }
            if (!global.tryAcquire(bytes)) {
                own.refund(bytes);
                return false;
            }
            return true;
        }

        public TokenBucket bucket() {
            return own;
        }
    }
}
