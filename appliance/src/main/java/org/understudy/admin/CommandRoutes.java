package org.understudy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.understudy.command.Actor;
import org.understudy.config.AdminToken;
import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.model.ActorFace;

/**
 * Exposes the command API as {@code POST /api/commands/NAME} with a JSON body of the command's fields, e.g.
 * {@code {"primary":"p1","volume":"vol0"}} for {@code verify}. The caller's token says whether it may act (an
 * operator token) or only read (a read-only token: every action is refused, 403, and audited); it names itself in
 * {@code actor} and says {@code "via":"cli"} when it is the CLI. The reply is the command's result
 * ({@code status} OK, REFUSED or FAILED, {@code message}, {@code details}), the same body whatever the HTTP status,
 * which says the outcome too: 200 OK, 409 refused in the state things are in, 403 the actor may not, 404 the command
 * names a primary or volume that does not exist, 500 tried and failed. A malformed body is a 400, an unknown command
 * a 404 with {@code error}.
 */
public final class CommandRoutes {
    private CommandRoutes() {
    }

    public static void register(AdminServer server, CommandApi api) {
        add(server, api, "throttle", b -> new Command.SetThrottle(optText(b, "primary"),
                Command.Traffic.valueOf(text(b, "traffic").toUpperCase(Locale.ROOT)), b.path("bytesPerSecond").asLong(-1),
                b.path("force").asBoolean(false)));
        add(server, api, "verify", b -> new Command.Verify(text(b, "primary"), text(b, "volume")));
        add(server, api, "link-test", b -> new Command.LinkTest(text(b, "primary")));
        add(server, api, "switchover", b -> new Command.Switchover(text(b, "primary")));
        add(server, api, "failover", b -> new Command.ForceFailover(text(b, "primary"), optText(b, "reason")));
        add(server, api, "failback", b -> new Command.Failback(text(b, "primary")));
        add(server, api, "fence-clear", b -> new Command.ClearFence(text(b, "primary")));
        add(server, api, "snapshot-create", b -> new Command.CreateSnapshot(text(b, "primary"), optText(b, "volume"),
                optText(b, "snapshot")));
        add(server, api, "snapshot-delete", b -> new Command.DeleteSnapshot(text(b, "primary"), optText(b, "volume"),
                text(b, "snapshot")));
        add(server, api, "rehearse", b -> new Command.Rehearse(text(b, "primary"), text(b, "address"),
                b.path("holdSeconds").asInt(0)));
        add(server, api, "autoswitch", b -> {
            if (!b.path("enabled").isBoolean()) {
                throw new IllegalArgumentException("enabled must be true or false");
            }
            return new Command.SetAutoFailover(b.path("enabled").asBoolean());
        });
    }

    private static void add(AdminServer server, CommandApi api, String name, Function<JsonNode, Command> parse) {
        server.registerCommand(name, req -> {
            Command command;
            try {
                command = parse.apply(req.body());
            } catch (IllegalArgumentException e) {
                throw new ApiException(400, name + ": " + e.getMessage());
            }
            ActorFace face = face(optText(req.body(), "via"));
            return response(api.execute(new Actor(who(optText(req.body(), "actor"), req.caller()), face,
                    req.caller().operator()), command));
        });
    }

    /** The result as its JSON body ({@code status}, {@code message}, {@code details}) with the HTTP status it means. */
    static ApiResponse response(CommandResult r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", r.status());
        body.put("message", r.message());
        body.put("details", r.details());
        return new ApiResponse(httpStatus(r), body);
    }

    static int httpStatus(CommandResult r) {
        return switch (r.status()) {
            case OK -> 200;
            case FAILED -> 500;
            case REFUSED -> switch (r.refusal()) {
                case FORBIDDEN -> 403;
                case UNKNOWN -> 404;
                case CONFLICT -> 409;
            };
        };
    }

    /**
     * The name the audit log shows: what the caller says it is, and the token it used unless that is the cluster's
     * {@code adminToken}, so a name cannot hide which token acted.
     */
    private static String who(String claimed, AdminAccess.Caller caller) {
        String token = caller.name().isEmpty() ? AdminToken.ADMIN : caller.name();
        if (claimed == null) {
            return token;
        }
        return token.equals(AdminToken.ADMIN) ? claimed : claimed + " (token " + token + ")";
    }

    /**
     * The face the caller names in {@code via}: the CLI, or the face an action arrived through on the node that passed
     * it on (a standby forwarding an SNMP or JMX action to a primary). Anything else is this REST API itself; a caller
     * cannot claim to be the node's own engine.
     */
    private static ActorFace face(String via) {
        if (via == null) {
            return ActorFace.REST;
        }
        return switch (via.toLowerCase(Locale.ROOT)) {
            case "cli" -> ActorFace.CLI;
            case "snmp" -> ActorFace.SNMP;
            case "jmx" -> ActorFace.JMX;
            case "web" -> ActorFace.WEB;
            default -> ActorFace.REST;
        };
    }

    private static String text(JsonNode body, String field) {
        String v = optText(body, field);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    private static String optText(JsonNode body, String field) {
        JsonNode n = body == null ? null : body.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
