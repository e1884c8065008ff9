package org.understudy.jmx;

import java.util.List;
import java.util.Optional;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.PathSnapshot;
import org.understudy.model.PrimarySnapshot;

/**
 * {@link PathMXBean} over the state model. On the standby a primary's paths are inside its primary snapshot; on a
 * primary they are the node's own paths to the standby, listed under the primary's own name. Thread-safe.
 */
final class PathBean implements PathMXBean {
    private final Snapshots snapshots;
    private final String primary;
    private final String name;

    PathBean(Snapshots snapshots, String primary, String name) {
        this.snapshots = snapshots;
        this.primary = primary;
        this.name = name;
    }

    /** The paths of {@code primary} in this snapshot, wherever the node's role keeps them. */
    static List<PathSnapshot> pathsOf(ClusterSnapshot s, String primary) {
        Optional<PrimarySnapshot> p = PrimaryBean.find(s, primary);
        if (p.isPresent()) {
            return p.get().paths();
        }
        return primary.equals(s.node().name()) ? s.paths() : List.of();
    }

    private PathSnapshot p() {
        return pathsOf(snapshots.current(), primary).stream().filter(x -> x.path().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("path " + primary + "/" + name + " is no longer in the model"));
    }

    @Override
    public String getPrimary() {
        return primary;
    }

    @Override
    public String getNode() {
        return p().node();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getKind() {
        return p().kind().name();
    }

    @Override
    public String getState() {
        return p().state().name();
    }

    @Override
    public java.util.Date getSince() {
        return p().since() == null ? null : java.util.Date.from(p().since());
    }

    @Override
    public long getSilentForMillis() {
        // never heard since this node started: silent at least that long (a true figure, not a -1)
        return p().silentFor() != null ? p().silentFor().toMillis()
                : java.time.Duration.between(snapshots.current().node().startedAt(), snapshots.current().takenAt()).toMillis();
    }

    @Override
    public long getValidHeartbeats() {
        return p().valid();
    }

    @Override
    public long getReplayedHeartbeats() {
        return p().replayed();
    }

    @Override
    public long getForgedHeartbeats() {
        return p().forged();
    }

    @Override
    public long getMalformedMessages() {
        return p().malformed();
    }
}
