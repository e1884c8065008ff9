package org.understudy.daemon;

import java.util.Map;
import org.understudy.admin.AdminServer;
import org.understudy.admin.ApiException;
import org.understudy.events.EventLogRecorder;

/**
 * {@code POST /api/deploy-steps}: the installer ({@code understudy install|upgrade|uninstall}, holding the admin
 * token) records each step it took on a node in this node's event log. Body: {@code actor}, {@code action},
 * {@code node}, {@code step}, {@code version}, {@code outcome} (all text, all required); answers {@code {"id": N}}
 * once the row is on disk.
 */
public final class DeployStepRoutes {
    private DeployStepRoutes() {
    }

    public static void register(AdminServer server, EventLogRecorder recorder) {
        server.route("POST", "/api/deploy-steps", req -> {
            String[] f = new String[6];
            String[] names = {"actor", "action", "node", "step", "version", "outcome"};
            for (int i = 0; i < names.length; i++) {
                var n = req.body() == null ? null : req.body().get(names[i]);
                if (n == null || !n.isTextual() || n.asText().isBlank() || n.asText().length() > 1000) {
                    throw new ApiException(400, "deploy-steps: field '" + names[i] + "' must be non-empty text");
                }
                f[i] = n.asText();
            }
            return Map.of("id", recorder.recordDeployStep(f[0], f[1], f[2], f[3], f[4], f[5]));
        });
    }
}
