package org.understudy.admin;

import org.understudy.model.EventQuery;
import org.understudy.model.EventSource;

/**
 * {@code POST /api/events} with an {@link EventQuery} as JSON ({@code since}, {@code primary}, {@code kind},
 * {@code limit}, {@code order}; all optional) answers the matching rows of the node's event log.
 */
public final class EventRoutes {
    private EventRoutes() {
    }

    public static void register(AdminServer server, EventSource events) {
        server.route("POST", "/api/events", req -> {
            EventQuery q = req.body() == null || req.body().isMissingNode() || req.body().isEmpty()
                    ? EventQuery.all() : req.bodyAs(EventQuery.class);
            return events.query(q);
        });
    }
}
