package org.understudy.web.live;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Function;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlets.EventSource;
import org.eclipse.jetty.ee10.servlets.EventSourceServlet;

/**
 * {@code GET /live?view=V}: the Server-Sent Events stream of a live page, on Jetty's EventSource servlet (which
 * sends a heartbeat every few seconds, so dead connections are noticed). An unknown view is refused with 404
 * before any stream opens. The request passed the console's guard, so it belongs to a logged-in session.
 */
public final class LiveServlet extends EventSourceServlet {
    private final transient LiveHub<?> hub;
    private final transient Function<HttpServletRequest, BooleanSupplier> sessionOf;

    /** @param sessionOf for a request, whether its session is still live (checked at every round) */
    public LiveServlet(LiveHub<?> hub, Function<HttpServletRequest, BooleanSupplier> sessionOf) {
        this.hub = hub;
        this.sessionOf = sessionOf;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        String view = req.getParameter("view");
        if (view == null || view.length() > 200 || !hub.knows(view)) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND, "no live view " + (view == null ? "given" : "'" + view + "'"));
            return;
        }
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Accel-Buffering", "no");
        super.doGet(req, resp);
    }

    @Override
    protected EventSource newEventSource(HttpServletRequest req) {
        return hub.client(req.getParameter("view"), sessionOf.apply(req));
    }
}
