package org.understudy.primary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.understudy.admin.AdminServer;
import org.understudy.admin.CommandRoutes;
import org.understudy.admin.EventRoutes;
import org.understudy.admin.OpenApi;
import org.understudy.admin.Snapshots;
import org.understudy.command.AuditSink;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.config.Endpoint;
import org.understudy.model.EventQuery;

/**
 * The shipped OpenAPI description says exactly what a node serves: every route a node registers (the base routes,
 * every command, the event log, a primary's internal routes) is described, nothing else is, and each described
 * operation names its responses. Guards against a route added or renamed without its description.
 */
class AdminApiDescriptionTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void description_matchesTheRoutesANodeRegisters() throws Exception {
        try (AdminServer server = new AdminServer(new Endpoint("127.0.0.1", 0), "token-0123456789abcdef", Snapshots::standby)) {
            CommandRoutes.register(server, new CommandApi("n", (a, c) -> CommandResult.ok("ok"), AuditSink.LOG_ONLY));
            EventRoutes.register(server, (EventQuery q) -> List.of());
            PrimaryInternalRoutes.register(server, null); // the handlers are not called here
            JsonNode api = YAML.readTree(OpenApi.text());
            assertEquals("3.0.3", api.get("openapi").asText());
            SortedSet<String> described = new TreeSet<>();
            api.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                    .forEachRemaining(m -> described.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
            assertEquals(server.routes(), described, "routes served versus routes described in openapi.yaml");
            List<String> unanswered = new ArrayList<>();
            api.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
                if (!op.getValue().path("responses").has("200")) {
                    unanswered.add(op.getKey() + " " + p.getKey());
                }
            }));
            assertEquals(List.of(), unanswered, "operations without a 200 response");
            // every $ref points at something that is there
            List<String> dangling = new ArrayList<>();
            refs(api, api, dangling);
            assertEquals(List.of(), dangling);
        }
    }

    @Test
    void description_isServedWithoutToken() throws Exception {
        try (AdminServer server = new AdminServer(new Endpoint("127.0.0.1", 0), "token-0123456789abcdef", Snapshots::standby)) {
            server.start();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/openapi.yaml")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/yaml"));
            assertEquals(OpenApi.text(), r.body());
        }
    }

    private static void refs(JsonNode root, JsonNode n, List<String> dangling) {
        if (n.isObject()) {
            JsonNode ref = n.get("$ref");
            if (ref != null && (!ref.asText().startsWith("#/") || root.at(ref.asText().substring(1)).isMissingNode())) {
                dangling.add(ref.asText());
            }
            n.elements().forEachRemaining(c -> refs(root, c, dangling));
        } else if (n.isArray()) {
            n.elements().forEachRemaining(c -> refs(root, c, dangling));
        }
    }
}
