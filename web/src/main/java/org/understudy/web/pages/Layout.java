package org.understudy.web.pages;

import java.util.List;
import org.understudy.model.Version;
import org.understudy.web.auth.WebSession;
import org.understudy.web.html.Html;

/**
 * The frame of every page: head with the node's own stylesheet and scripts (no inline script or style, so the
 * Content-Security-Policy can forbid both), the navigation, who is logged in and the logout button. Stateless.
 */
public final class Layout {
    /** Where the pinned uPlot WebJar is served from. */
    public static final String UPLOT = "/webjars/uplot/" + UplotVersion.VERSION + "/dist/";

    private Layout() {
    }

    /**
     * A whole page.
     *
     * @param session null on the login and error pages
     * @param active  the navigation entry to mark: overview, graphs, events, or null
     * @param live    the live view the page follows over SSE ({@code overview}, {@code primary/p1}...), or null
     * @param body    the page's content, already rendered
     */
    public static String page(Site site, WebSession session, String active, String title, String live, String body,
                              List<String> scripts, List<String> styles) {
        Html h = new Html(body.length() + 2048);
        h.raw("<!DOCTYPE html>\n").open("html", "lang", "en").open("head")
                .raw("<meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .el("title", title + " · Understudy " + (site == null ? "" : site.node()));
        for (String s : styles) {
            h.open("link", "rel", "stylesheet", "href", s);
        }
        h.open("link", "rel", "stylesheet", "href", "/assets/app.css");
        h.open("script", "src", "/assets/app.js", "defer", "defer").close("script");
        for (String s : scripts) {
            h.open("script", "src", s, "defer", "defer").close("script");
        }
        h.close("head");
        h.open("body", "data-live", live);
        header(h, site, session, active);
        h.open("main").raw(body).close("main");
        h.open("footer").text("Understudy " + Version.current()).close("footer");
        h.close("body").close("html");
        return h.toString();
    }

    private static void header(Html h, Site site, WebSession session, String active) {
        h.open("header");
        h.open("div", "class", "brand").el("a", "Understudy", "href", "/");
        if (site != null) {
            h.el("span", site.cluster() + " · " + site.node() + (site.standby() ? " (standby: the whole cluster)"
                    : " (primary: this node only)"), "class", "node");
        }
        h.close("div");
        if (session != null) {
            h.open("nav");
            for (String[] item : new String[][] {{"overview", "/", "Overview"}, {"graphs", "/graphs", "Graphs"},
                {"events", "/events", "Events"}}) {
                h.el("a", item[2], "href", item[1], "class", item[0].equals(active) ? "active" : null);
            }
            h.close("nav");
            h.open("div", "class", "who").el("span", session.user() + " (" + session.role().name().toLowerCase() + ")",
                    "id", "who");
            h.open("form", "method", "post", "action", "/logout", "class", "inline")
                    .open("input", "type", "hidden", "name", "csrf", "value", session.csrf())
                    .el("button", "Log out", "type", "submit").close("form");
            h.el("span", "live", "id", "live-state", "class", "live-state", "title", "live updates");
            h.close("div");
        }
        h.close("header");
    }
}
