package org.understudy.standby;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;
import org.understudy.utility.CutRequester;

/**
 * Asks a primary for a snapshot cut over its admin API ({@code POST /api/internal/snapshot-cut}), as the other
 * node-to-node requests go: an answer a person can read, never queued behind data on the replication link.
 * Stateless and thread-safe.
 */
final class AdminCutRequester implements CutRequester {
    private final ClusterConfig cluster;

    AdminCutRequester(ClusterConfig cluster) {
        this.cluster = cluster;
    }

    @Override
    public Answer request(String primary, long cut, List<String> volumes) {
        JsonNode r;
        try {
            r = AdminClient.forNode(cluster, primary).postJson("/api/internal/snapshot-cut",
                    Map.of("cut", cut, "volumes", volumes));
        } catch (AdminClientException | ConfigException e) {
            return new Answer(false, false, e.getMessage());
        }
        return new Answer(r.path("ok").asBoolean(), true, r.path("message").asText());
    }
}
