package org.understudy.mirror;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.resync.IdentityStore;
import org.understudy.resync.VolumeIdentity;

/**
 * The primary's durable identity of one volume ({@code <stateDir>/volumes/<volume>.identity}): which generation of
 * data it holds and since which generation its dirty bitmap counts. Every change is saved before it takes effect
 * (e.g. before the first write of a new generation). Thread-safe (synchronized).
 */
final class PrimaryIdentity {
    private static final Logger LOG = LogManager.getLogger(PrimaryIdentity.class);

    private final String name;
    private final Path file;
    private final RandomGenerator rnd;
    private VolumeIdentity identity;

    private PrimaryIdentity(String name, Path file, RandomGenerator rnd, VolumeIdentity identity) {
        this.name = name;
        this.file = file;
        this.rnd = rnd;
        this.identity = identity;
    }

    /** Where a primary keeps the identity of {@code volume}. */
    static Path path(Path stateDir, String volume) {
        return stateDir.resolve("volumes").resolve(volume + ".identity");
    }

    /** Where a primary keeps the dirty bitmap of {@code volume}. */
    static Path bitmapPath(Path stateDir, String volume) {
        return stateDir.resolve("volumes").resolve(volume + ".bitmap");
    }

    /** Loads the identity, or gives a volume met for the first time a new volume id and first generation. */
    static PrimaryIdentity open(String name, Path file, RandomGenerator rnd) throws IOException {
        Files.createDirectories(file.getParent());
        Optional<VolumeIdentity> id = IdentityStore.load(file);
        if (id.isPresent()) {
            LOG.info("mirror {}: identity {}", name, id.get().describe());
            return new PrimaryIdentity(name, file, rnd, id.get());
        }
        VolumeIdentity fresh = VolumeIdentity.newVolume(rnd);
        IdentityStore.save(file, fresh);
        LOG.info("mirror {}: no identity yet; new volume identity {}", name, fresh.describe());
        return new PrimaryIdentity(name, file, rnd, fresh);
    }

    synchronized VolumeIdentity get() {
        return identity;
    }

    /**
     * The volume is about to be written without the standby: unless its bitmap already counts from an earlier shared
     * generation, start a new generation (saved first). So if the standby also wrote meanwhile (it stood in), the
     * next reconnect sees two descendants of one generation: split brain, never a silent overwrite.
     */
    synchronized void divergeIfNeeded() throws IOException {
        if (!identity.bitmapBase().isNone() || !identity.consistent() || identity.isFresh()) {
            return;
        }
        VolumeIdentity next = identity.startNewGeneration(rnd);
        IdentityStore.save(file, next);
        LOG.info("mirror {}: writing without the standby: new generation {} (bitmap counts from {})", name,
                next.current(), next.bitmapBase());
        identity = next;
    }

    /**
     * Failback: the whole volume was copied from a replica holding {@code source}; this volume now holds that same
     * generation (saved before it takes effect).
     */
    synchronized void adopt(VolumeIdentity source) throws IOException {
        VolumeIdentity next = identity.completeResyncFrom(source);
        IdentityStore.save(file, next);
        LOG.warn("mirror {}: holds the replica's data after a copy back: identity {} (was {})", name, next.describe(),
                identity.describe());
        identity = next;
    }

    /** This volume becomes the target of a copy from the replica (failback): inconsistent until {@link #adopt}. */
    synchronized void beginResyncAsTarget() throws IOException {
        if (!identity.consistent()) {
            return;
        }
        VolumeIdentity next = identity.beginResyncAsTarget();
        IdentityStore.save(file, next);
        LOG.warn("mirror {}: target of a copy from the replica: inconsistent until it completes ({})", name,
                next.describe());
        identity = next;
    }

    /**
     * The standby handed this primary its fencing epoch (fence cleared, role returned): raised to {@code epoch},
     * saved before the next IDENTITY frame can carry it; never lowered. Returns the epoch now held.
     */
    synchronized long raiseEpoch(long epoch) throws IOException {
        if (epoch <= identity.epoch()) {
            return identity.epoch();
        }
        VolumeIdentity next = identity.withEpoch(epoch);
        IdentityStore.save(file, next);
        LOG.warn("mirror {}: fencing epoch raised from {} to {} on the standby's word", name, identity.epoch(), epoch);
        identity = next;
        return epoch;
    }

    /** A resync from this volume completed and the replica now holds our generation. */
    synchronized void resyncDoneAsSource() throws IOException {
        if (identity.bitmapBase().isNone()) {
            return;
        }
        VolumeIdentity next = identity.completeResyncAsSource();
        IdentityStore.save(file, next);
        identity = next;
    }
}
