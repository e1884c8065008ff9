package org.understudy.web.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;
import org.understudy.web.actions.ActionCatalog;
import org.understudy.web.actions.ActionSpec;
import org.understudy.web.actions.BadInput;
import org.understudy.web.actions.Form;
import org.understudy.web.actions.Job;
import org.understudy.web.actions.Jobs;
import org.understudy.web.auth.WebSession;
import org.understudy.web.pages.ConsoleState;
import org.understudy.web.pages.EventsView;
import org.understudy.web.pages.GraphsView;
import org.understudy.web.pages.Pages;
import org.understudy.web.pages.Site;
import org.understudy.web.series.SeriesStore;

/**
 * The console's pages and actions behind the guard: {@code GET /}, {@code /primary/P}, {@code /graphs},
 * {@code /events}, {@code /api/series/P}, and {@code POST /actions/NAME}. Anything else is a 404 page. An action
 * is checked (known action, known primary and volume, well-formed fields, the confirmation typed) before it reaches
 * the command API; an operator's starts in the background and the browser goes to the page that follows it, a
 * monitor's is refused by the command API (audited) and answered 403.
 */
final class ConsoleServlet extends HttpServlet {
    private static final Logger LOG = LogManager.getLogger(ConsoleServlet.class);

    private final transient Site site;
    private final transient Supplier<ConsoleState> state;
    private final transient ActionCatalog catalog;
    private final transient Jobs jobs;
    private final transient SeriesStore series;
    private final transient InstantSource wall;

    ConsoleServlet(Site site, Supplier<ConsoleState> state, ActionCatalog catalog, Jobs jobs, SeriesStore series,
                   InstantSource wall) {
        this.site = site;
        this.state = state;
        this.catalog = catalog;
        this.jobs = jobs;
        this.series = series;
        this.wall = wall;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        WebSession s = (WebSession) req.getAttribute(WebSession.ATTRIBUTE);
        String path = path(req);
        try {
            if (path.equals("/")) {
                Responses.html(resp, 200, Pages.overview(state.get(), s, catalog));
            } else if (path.startsWith("/primary/")) {
                String p = path.substring("/primary/".length());
                String page = site.knows(p) ? Pages.primary(state.get(), s, catalog, p) : null;
                if (page == null) {
                    throw new BadInput(404, "This node knows no primary named '" + p + "'.");
                }
                Responses.html(resp, 200, page);
            } else if (path.equals("/graphs")) {
                List<String> primaries = primaries();
                String p = param(req, "primary", primaries.getFirst());
                if (!site.knows(p)) {
                    throw new BadInput(404, "This node knows no primary named '" + p + "'.");
                }
                Responses.html(resp, 200, GraphsView.page(site, s, p, primaries));
            } else if (path.equals("/events")) {
                events(req, resp, s);
            } else if (path.startsWith("/api/series/")) {
                String p = path.substring("/api/series/".length());
                if (!site.knows(p)) {
                    throw new BadInput(404, "This node knows no primary named '" + p + "'.");
                }
                Responses.json(resp, series.all(p).toString());
            } else {
                throw new BadInput(404, "There is no page at " + path + ".");
            }
        } catch (BadInput e) {
            Responses.error(resp, site, s, e.status(), e.getMessage());
        }
    }

    private void events(HttpServletRequest req, HttpServletResponse resp, WebSession s) throws IOException, BadInput {
        long before;
        try {
            before = Long.parseLong(param(req, "before", "0"));
        } catch (NumberFormatException e) {
            throw new BadInput(400, "before: must be a row id, not '" + req.getParameter("before") + "'");
        }
        EventsView.Filter f = new EventsView.Filter(param(req, "since", ""), param(req, "primary", ""),
                param(req, "kind", ""), param(req, "actor", ""), before);
        var rows = state.get().eventLog().query(f.query(wall.instant()));
        Responses.html(resp, 200, EventsView.page(site, s, f, rows, primaries()));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        WebSession s = (WebSession) req.getAttribute(WebSession.ATTRIBUTE);
        String path = path(req);
        try {
            if (!path.startsWith("/actions/")) {
                throw new BadInput(404, "Nothing takes a POST at " + path + ".");
            }
            String name = path.substring("/actions/".length());
            ActionSpec spec = catalog.find(name).filter(a -> a.nodeRoles().contains(site.role()))
                    .orElseThrow(() -> new BadInput(404, "No action '" + name + "' on this node."));
            Form form = form(req);
            String primary = null;
            if (spec.scope() == ActionSpec.Scope.PRIMARY) {
                primary = form.required("primary");
                if (!site.knows(primary)) {
                    throw new BadInput(404, "This node knows no primary named '" + primary + "'.");
                }
                String volume = form.optional("volume");
                if (spec.fields().contains(ActionSpec.Field.VOLUME) && volume != null
                        && !site.volumesOf(primary).contains(volume)) {
                    throw new BadInput(404, primary + " has no volume named '" + volume + "'.");
                }
                if (spec.confirmByName() && !primary.equals(form.optional("confirm"))) {
                    throw new BadInput(400, "confirm: type the primary's name (" + primary + ") to confirm a "
                            + spec.label().toLowerCase() + "; nothing was done.");
                }
            }
            Command command = spec.build().build(primary, form);
            String back = primary == null ? "/#ov-jobs" : "/primary/" + primary + "#pv-jobs";
            if (!s.operator()) {
                CommandResult r = jobs.runNow(s.actor(), command);
                throw new BadInput(403, spec.label() + " refused: " + r.message());
            }
            Job job = jobs.start(s.actor(), command);
            LOG.info("{}: web action {} on {} started by {} (job {})", site.node(), command.name(), command.target(),
                    s.user(), job.id());
            resp.setHeader("Location", back);
            resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        } catch (BadInput e) {
            Responses.error(resp, site, s, e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            Responses.error(resp, site, s, 400, e.getMessage());
        }
    }

    /** The decoded path within the app (the URI's percent-escapes resolved by the container). */
    private static String path(HttpServletRequest req) {
        return req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    }

    private static Form form(HttpServletRequest req) throws BadInput {
        Map<String, String> fields = new HashMap<>();
        for (Map.Entry<String, String[]> e : req.getParameterMap().entrySet()) {
            if (e.getValue().length != 1) {
                throw new BadInput(400, e.getKey() + ": given " + e.getValue().length + " times, once expected");
            }
            fields.put(e.getKey(), e.getValue()[0]);
        }
        return new Form(fields);
    }

    private List<String> primaries() {
        return site.standby() ? List.copyOf(site.services().keySet()) : List.of(site.node());
    }

    private static String param(HttpServletRequest req, String name, String fallback) throws BadInput {
        String v = req.getParameter(name);
        if (v == null) {
            return fallback;
        }
        if (v.length() > 256) {
            throw new BadInput(400, name + ": too long");
        }
        return v.trim();
    }
}
