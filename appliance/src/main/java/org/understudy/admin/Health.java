package org.understudy.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.NodeSnapshot;
import org.understudy.model.StateModel;
import org.understudy.model.Version;

/**
 * The answer of {@code GET /api/health}, for load balancers and probes that hold no token: {@code ok}, the node's
 * name, {@code role}, {@code state} and {@code version}. A primary's state is its lifecycle (SERVING, FENCED, ...);
 * the standby's is STANDING_IN while it serves any primary's volumes, else PROTECTING. Stateless.
 */
final class Health {
    private Health() {
    }

    static Map<String, Object> of(StateModel model) {
        ClusterSnapshot s = model.snapshot();
        NodeSnapshot n = s.node();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        m.put("node", n == null ? null : n.name());
        m.put("role", n == null ? null : n.role());
        m.put("state", state(s));
        m.put("version", n == null || n.version() == null ? Version.current() : n.version());
        return m;
    }

    private static String state(ClusterSnapshot s) {
        NodeSnapshot n = s.node();
        if (n != null && n.lifecycle() != null) {
            return n.lifecycle().state().name();
        }
        if (s.failover() != null && s.failover().standInsActive() > 0) {
            return "STANDING_IN";
        }
        return "PROTECTING";
    }
}
