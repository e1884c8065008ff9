package org.understudy.replica;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Whether one replica's own storage takes its link's writes: a write, zero, commit or force that fails on the
 * standby's disk (no space left, an I/O error: not the network, not a shutdown) starts an episode, told once to the
 * {@link LinkActivity} (the standby raises an alarm); a resync completed on the replica ends it (every region the
 * primary still counted dirty is written and forced). Without it a full standby disk only closed the link with a
 * warning, like any network error, and the primary reconnected and failed again unseen. Thread-safe.
 */
final class StorageHealth {
    private static final Logger LOG = LogManager.getLogger(StorageHealth.class);

    private final String primary;
    private final String volume;
    private final AtomicBoolean failing = new AtomicBoolean();
    private volatile LinkActivity activity = LinkActivity.NONE;

    StorageHealth(String primary, String volume) {
        this.primary = primary;
        this.volume = volume;
    }

    void activity(LinkActivity a) {
        activity = a;
    }

    boolean failing() {
        return failing.get();
    }

    /** A write of the link failed with {@code e}: starts an episode when it is the disk's; returns {@code e}. */
    IOException failed(IOException e) {
        if (e instanceof InterruptedIOException || e instanceof ClosedChannelException) {
            return e;   // the link or the standby is going away: the disk said nothing
        }
        if (failing.compareAndSet(false, true)) {
            LOG.error("replica {}/{}: its storage refused a write of the link: {}; the primary keeps the regions dirty"
                    + " until a resync completes here", primary, volume, e.toString());
            activity.storageFailed(primary, volume, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return e;
    }

    /** A resync completed on the replica: the episode, if any, is over. */
    void resyncCompleted() {
        if (failing.compareAndSet(true, false)) {
            LOG.info("replica {}/{}: a resync completed: its storage takes writes again", primary, volume);
            activity.storageRestored(primary, volume);
        }
    }
}
