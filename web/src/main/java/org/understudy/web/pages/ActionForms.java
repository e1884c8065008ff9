package org.understudy.web.pages;

import java.util.List;
import org.understudy.web.actions.ActionSpec;
import org.understudy.web.auth.WebSession;
import org.understudy.web.html.Html;

/**
 * The forms of the operator actions, one per action the catalog offers on this node; each posts to
 * {@code /actions/NAME} with the session's CSRF token. Shown to operators only: a monitor's pages carry no action
 * controls (and a forged request from one is refused by the command API). Stateless.
 */
public final class ActionForms {
    private ActionForms() {
    }

    /** The forms for {@code actions} on {@code primary} (null for cluster actions). */
    public static String render(WebSession session, List<ActionSpec> actions, String primary, List<String> volumes) {
        if (session == null || !session.operator() || actions.isEmpty()) {
            return "";
        }
        Html h = new Html();
        h.open("section", "class", "actions", "id", primary == null ? "cluster-actions" : "primary-actions")
                .el("h2", primary == null ? "Cluster actions" : "Actions on " + primary);
        for (ActionSpec a : actions) {
            h.open("form", "method", "post", "action", "/actions/" + a.name(), "class", "action",
                    "data-action", a.name(), "data-confirm-name", a.confirmByName() ? primary : null);
            h.open("input", "type", "hidden", "name", "csrf", "value", session.csrf());
            if (primary != null) {
                h.open("input", "type", "hidden", "name", "primary", "value", primary);
            }
            for (ActionSpec.Field f : a.fields()) {
                field(h, f, volumes);
            }
            if (a.confirmByName()) {
                h.open("label").text("type " + primary + " to confirm ")
                        .open("input", "type", "text", "name", "confirm", "autocomplete", "off", "required", "required",
                                "class", "confirm")
                        .close("label");
            }
            h.el("button", a.label(), "type", "submit", "class", a.confirmByName() ? "danger" : null);
            h.el("span", a.help(), "class", "help");
            h.close("form");
        }
        return h.close("section").toString();
    }

    private static void field(Html h, ActionSpec.Field f, List<String> volumes) {
        switch (f) {
            case VOLUME -> {
                h.open("select", "name", "volume", "aria-label", "volume");
                volumes.forEach(v -> h.el("option", v, "value", v));
                h.close("select");
            }
            case TRAFFIC -> h.open("select", "name", "traffic", "aria-label", "traffic")
                    .el("option", "mirror", "value", "mirror").el("option", "resync", "value", "resync").close("select");
            case RATE -> h.open("input", "type", "text", "name", "rate", "placeholder", "20MB/s or off", "size", "12",
                    "required", "required", "aria-label", "rate");
            case REASON -> h.open("input", "type", "text", "name", "reason", "placeholder", "reason (recorded)", "size",
                    "24", "aria-label", "reason");
            case ENABLED -> h.open("select", "name", "enabled", "aria-label", "automatic failover")
                    .el("option", "on", "value", "on").el("option", "off", "value", "off").close("select");
        }
    }
}
