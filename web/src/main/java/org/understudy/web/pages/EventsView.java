package org.understudy.web.pages;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;
import org.understudy.web.actions.BadInput;
import org.understudy.web.auth.WebSession;
import org.understudy.web.html.Html;

/**
 * The event log with filters (since, primary, kind, actor) and paging back by row id; refused logins are rows of
 * kind AUTH_FAILURE like any other. Stateless.
 */
public final class EventsView {
    /** Rows per page. */
    public static final int PAGE = 50;
    private static final Pattern AGO = Pattern.compile("(\\d{1,6})\\s*(m|h|d)");

    private EventsView() {
    }

    /**
     * The filters of one request, as typed (empty strings mean no filter).
     *
     * @param before show rows older than this id (0: the newest)
     */
    public record Filter(String since, String primary, String kind, String actor, long before) {
        /** The query, or {@link BadInput} naming the field that is wrong. */
        public EventQuery query(Instant now) throws BadInput {
            EventQuery q = EventQuery.all().limit(PAGE + 1);
            if (!since.isEmpty()) {
                q = q.since(sinceInstant(since, now));
            }
            if (!primary.isEmpty()) {
                q = q.primary(primary);
            }
            if (!kind.isEmpty()) {
                try {
                    q = q.kind(EventKind.valueOf(kind.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new BadInput(400, "kind: '" + kind + "' is not an event kind (one of " + List.of(EventKind.values()) + ")");
                }
            }
            if (!actor.isEmpty()) {
                q = q.actor(actor);
            }
            if (before < 0) {
                throw new BadInput(400, "before: must be a row id (0 or more), not " + before);
            }
            return before > 0 ? q.beforeId(before) : q;
        }

        String queryString(long newBefore) {
            List<String> parts = new ArrayList<>();
            add(parts, "since", since);
            add(parts, "primary", primary);
            add(parts, "kind", kind);
            add(parts, "actor", actor);
            if (newBefore > 0) {
                parts.add("before=" + newBefore);
            }
            return parts.isEmpty() ? "" : "?" + String.join("&", parts);
        }

        private static void add(List<String> parts, String k, String v) {
            if (!v.isEmpty()) {
                parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
    }

    /** {@code 15m}, {@code 2h}, {@code 7d} ago, or an ISO-8601 instant. */
    static Instant sinceInstant(String text, Instant now) throws BadInput {
        Matcher m = AGO.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new BadInput(400, "since: '" + text + "' is neither a time ago (15m, 2h, 7d) nor an instant "
                    + "(2026-11-01T12:00:00Z)");
        }
    }

    /** The page for {@code rows} (up to {@link #PAGE} + 1: one more than shown says there are older ones). */
    public static String page(Site site, WebSession session, Filter f, List<EventEntry> rows, List<String> primaries) {
        Html h = new Html(16384);
        h.el("h1", "Events");
        h.open("form", "method", "get", "action", "/events", "class", "filters", "id", "filters");
        h.open("label").text("since ").open("input", "type", "text", "name", "since", "value", f.since(), "placeholder",
                "1h, 7d or 2026-11-01T12:00:00Z", "size", "22").close("label");
        h.open("label").text("primary ").open("select", "name", "primary").el("option", "any", "value", "");
        for (String p : primaries) {
            h.el("option", p, "value", p, "selected", p.equals(f.primary()) ? "selected" : null);
        }
        h.close("select").close("label");
        h.open("label").text("kind ").open("select", "name", "kind").el("option", "any", "value", "");
        for (EventKind k : EventKind.values()) {
            h.el("option", k.name(), "value", k.name(), "selected", k.name().equalsIgnoreCase(f.kind()) ? "selected" : null);
        }
        h.close("select").close("label");
        h.open("label").text("actor ").open("input", "type", "text", "name", "actor", "value", f.actor(), "size", "12")
                .close("label");
        h.el("button", "Filter", "type", "submit").el("a", "clear", "href", "/events");
        h.close("form");
        List<EventEntry> shown = rows.size() > PAGE ? rows.subList(0, PAGE) : rows;
        h.open("div", "id", "events-table");
        Pieces.events(h, shown);
        h.close("div");
        h.open("p", "class", "paging");
        if (f.before() > 0) {
            h.el("a", "newest", "href", "/events" + f.queryString(0), "id", "newest");
        }
        if (rows.size() > PAGE) {
            h.text(" ").el("a", "older", "href", "/events" + f.queryString(shown.getLast().id()), "id", "older");
        }
        h.close("p");
        return Layout.page(site, session, "events", "Events", null, h.toString(), List.of(), List.of());
    }
}
