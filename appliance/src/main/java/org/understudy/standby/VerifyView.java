package org.understudy.standby;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.understudy.admin.Json;
import org.understudy.model.VerifySummary;
import org.understudy.model.VolumeSnapshot;

/**
 * The standby's view of each primary volume's last online verify. The verify runs on the primary (it digests both
 * sides), so the standby's own replica snapshots never hold one; the standby takes it from each primary's status,
 * read every {@link StandbyNode#CAPS_REFRESH} with the caps, and shows it on the replica's row, so every face of the
 * standby tells what the primary's own faces tell. A primary that does not answer keeps its last verify shown.
 * Thread-safe.
 */
final class VerifyView {
    private final Map<String, VerifySummary> verifies = new ConcurrentHashMap<>();

    /** Takes in the {@code volumes} of {@code primary}'s status; rows that are not its own or have no verify count nothing. */
    void observed(String primary, JsonNode volumes) {
        for (JsonNode v : volumes) {
            JsonNode last = v.path("lastVerify");
            if (!primary.equals(v.path("primary").asText()) || !last.hasNonNull("at")) {
                continue;
            }
            try {
                verifies.put(primary + "/" + v.path("name").asText(),
                        Json.mapper().treeToValue(last, VerifySummary.class));
            } catch (Exception e) {
                // a row this version cannot read: keep what was shown
            }
        }
    }

    /** The replica rows with each volume's last verify as its primary reported it. */
    List<VolumeSnapshot> apply(List<VolumeSnapshot> replicas) {
        if (verifies.isEmpty()) {
            return replicas;
        }
        return replicas.stream().map(r -> {
            VerifySummary seen = verifies.get(r.primary() + "/" + r.name());
            return seen == null || r.lastVerify().ran() ? r : r.withLastVerify(seen);
        }).toList();
    }
}
