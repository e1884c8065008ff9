package org.understudy.web.pages;

import java.util.List;
import java.util.Map;
import org.understudy.web.actions.ActionCatalog;
import org.understudy.web.actions.ActionSpec;
import org.understudy.web.auth.WebSession;
import org.understudy.web.html.Html;

/**
 * Whole pages: the live ones (overview, primary) are their fragments in titled sections, plus the action forms an
 * operator sees; the login and error pages. Stateless.
 */
public final class Pages {
    private Pages() {
    }

    public static String overview(ConsoleState st, WebSession session, ActionCatalog catalog) {
        Map<String, String> f = OverviewView.fragments(st);
        Html h = new Html(16384);
        section(h, "Alarms", "ov-alarms", f);
        section(h, st.site().standby() ? "Primaries" : "This primary", "ov-primaries", f);
        section(h, st.site().standby() ? "Standby" : "This node", "ov-node", f);
        h.raw(ActionForms.render(session, catalog.offered(ActionSpec.Scope.CLUSTER, st.site().role()), null, List.of()));
        section(h, "Actions from this console", "ov-jobs", f);
        return Layout.page(st.site(), session, "overview", "Overview", OverviewView.VIEW, h.toString(), List.of(), List.of());
    }

    /** The primary's page; null when the model does not know it. */
    public static String primary(ConsoleState st, WebSession session, ActionCatalog catalog, String primary) {
        Map<String, String> f = PrimaryView.fragments(st, primary);
        if (f.isEmpty()) {
            return null;
        }
        Html h = new Html(16384);
        h.open("h1").text("Primary " + primary).text(" ").el("a", "graphs", "href", "/graphs?primary=" + primary, "class", "sub")
                .text(" ").el("a", "events", "href", "/events?primary=" + primary, "class", "sub").close("h1");
        h.open("div", "id", "pv-head", "class", "live").raw(f.get("pv-head")).close("div");
        section(h, "Actions from this console", "pv-jobs", f);
        section(h, "Alarms", "pv-alarms", f);
        section(h, "Volumes", "pv-volumes", f);
        section(h, "Last failover, switchover or failback", "pv-timeline", f);
        section(h, "Failure detection", "pv-detection", f);
        section(h, "Paths and links", "pv-paths", f);
        if (f.containsKey("pv-snapshots")) {
            section(h, "Snapshots (read-only NBD exports on the standby)", "pv-snapshots", f);
        }
        h.raw(ActionForms.render(session, catalog.offered(ActionSpec.Scope.PRIMARY, st.site().role()), primary,
                st.site().volumesOf(primary)));
        section(h, "Events", "pv-events", f);
        return Layout.page(st.site(), session, null, "Primary " + primary, PrimaryView.view(primary), h.toString(),
                List.of(), List.of());
    }

    public static String login(Site site, String error, String next, String user) {
        Html h = new Html();
        h.open("form", "method", "post", "action", "/login", "class", "login", "id", "login");
        h.el("h1", "Log in");
        if (error != null) {
            h.el("p", error, "class", "bad", "id", "login-error");
        }
        h.open("input", "type", "hidden", "name", "next", "value", next == null ? "/" : next);
        h.open("label").text("User ").open("input", "type", "text", "name", "user", "id", "user", "value", user,
                "autocomplete", "username", "required", "required", "autofocus", "autofocus").close("label");
        h.open("label").text("Password ").open("input", "type", "password", "name", "password", "id", "password",
                "autocomplete", "current-password", "required", "required").close("label");
        h.el("button", "Log in", "type", "submit", "id", "login-button");
        h.close("form");
        return Layout.page(site, null, null, "Log in", null, h.toString(), List.of(), List.of());
    }

    public static String error(Site site, WebSession session, int status, String title, String message) {
        Html h = new Html();
        h.open("section", "class", "error", "id", "error").el("h1", status + " " + title).el("p", message, "id", "error-message")
                .open("p").el("a", "Back to the overview", "href", "/").close("p").close("section");
        return Layout.page(site, session, null, status + " " + title, null, h.toString(), List.of(), List.of());
    }

    static void section(Html h, String title, String id, Map<String, String> fragments) {
        h.open("section").el("h2", title).open("div", "id", id, "class", "live").raw(fragments.get(id)).close("div")
                .close("section");
    }
}
