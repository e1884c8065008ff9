package org.understudy.standby;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.admin.AdminClient;
import org.understudy.admin.AdminClientException;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandResult;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ConfigException;

/**
 * Carries an operator command that a primary serves (bandwidth caps, verify, link test) from the standby, which
 * answers for the whole cluster on SNMP and JMX, to that primary's admin API, and brings its result back. The primary
 * audits it under the original actor's name and face, marked as coming through the standby. Thread-safe.
 */
interface PrimaryForwarder {

    /** Sends {@code command} to {@code primary}; an unreachable primary is a FAILED result saying so, never an exception. */
    CommandResult forward(Actor actor, String primary, Command command);

    /** The real forwarder: {@code POST /api/commands/NAME} on the primary with the cluster's admin token. */
    static PrimaryForwarder overAdminApi(String self, ClusterConfig cluster) {
        Logger log = LogManager.getLogger(PrimaryForwarder.class);
        return (actor, primary, command) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("actor", actor.name() + " through " + self);
            body.put("via", actor.face().name().toLowerCase(Locale.ROOT));
            body.putAll(fields(command));
            long t0 = System.nanoTime();
            try {
                JsonNode r = AdminClient.forNode(cluster, primary).postJson("/api/commands/" + command.name(), body);
                CommandResult result = fromJson(r);
                log.info("{}: forwarded {} {} from {} to {}: {} in {} ms", self, command.name(), command.target(), actor,
                        primary, result.status(), (System.nanoTime() - t0) / 1_000_000);
                return result;
            } catch (AdminClientException | ConfigException e) {
                log.warn("{}: could not forward {} {} from {} to {}: {}", self, command.name(), command.target(), actor,
                        primary, e.getMessage());
                return CommandResult.failed(command.name() + " is carried out by primary " + primary
                        + ", which the standby could not reach: " + e.getMessage());
            }
        };
    }

    /** The JSON body fields the admin API's command routes expect for the commands a primary serves. */
    static Map<String, Object> fields(Command command) {
        Map<String, Object> f = new LinkedHashMap<>();
        switch (command) {
            case Command.SetThrottle t -> {
                if (t.primary() != null) {
                    f.put("primary", t.primary());
                }
                f.put("traffic", t.traffic().name().toLowerCase(Locale.ROOT));
                f.put("bytesPerSecond", t.bytesPerSecond());
                if (t.force()) {
                    f.put("force", true);
                }
            }
            case Command.Verify v -> {
                f.put("primary", v.primary());
                f.put("volume", v.volume());
            }
            case Command.LinkTest l -> f.put("primary", l.primary());
            default -> throw new IllegalArgumentException(command.name() + " is not served by a primary");
        }
        return f;
    }

    /** A command result as the admin API writes it. */
    static CommandResult fromJson(JsonNode r) {
        CommandResult.Status status;
        try {
            status = CommandResult.Status.valueOf(r.path("status").asText());
        } catch (IllegalArgumentException e) {
            return CommandResult.failed("the primary answered without a known status: " + r);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("details").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            details.put(e.getKey(), v.isIntegralNumber() ? (Object) v.asLong() : v.isNumber() ? (Object) v.asDouble()
                    : v.isBoolean() ? (Object) v.asBoolean() : v.isValueNode() ? v.asText() : v.toString());
        }
        return new CommandResult(status, r.path("message").asText(""), details);
    }
}
