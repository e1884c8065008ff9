package org.understudy.standby;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.utility.CutRequester;

/**
 * Asks a primary for a snapshot cut over its admin API ({@code POST /api/internal/snapshot-cut}), as the other
 * node-to-node requests go: signed with the node credential, an answer a person can read, never queued behind data
 * on the replication link. Stateless and thread-safe.
 */
final class AdminCutRequester implements CutRequester {
    /** A cut holds the primary's writes for milliseconds; an answer later than this is a failed cut. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final ClusterConfig cluster;
    private final String self;

    /** @param self the standby's node name, the signer of each request */
    AdminCutRequester(ClusterConfig cluster, String self) {
        this.cluster = cluster;
        this.self = self;
    }

    @Override
    public Answer request(String primary, long cut, List<String> volumes) {
        JsonNode r;
        try {
            r = AdminClient.internal(cluster, self, primary, TIMEOUT).postJson("/api/internal/snapshot-cut",
                    Map.of("cut", cut, "volumes", volumes));
        } catch (AdminClientException | ConfigException e) {
            return new Answer(false, false, e.getMessage());
        }
        return new Answer(r.path("ok").asBoolean(), true, r.path("message").asText());
    }
}
