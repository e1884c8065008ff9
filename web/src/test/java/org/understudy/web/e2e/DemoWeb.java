package org.understudy.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.understudy.e2e.DemoFixture;
import org.understudy.e2e.Poll;

/** The web console and metrics entries a demo writes into cluster.json, and an HTTPS client for them. */
final class DemoWeb {
    private DemoWeb() {
    }

    static JsonNode node(DemoFixture demo, String node) {
        for (JsonNode n : demo.clusterJson().path("nodes")) {
            if (n.path("name").asText().equals(node)) {
                return n;
            }
        }
        throw new AssertionError("no node " + node + " in cluster.json");
    }

    static JsonNode web(DemoFixture demo, String node) {
        JsonNode w = node(demo, node).path("web");
        if (w.isMissingNode()) {
            throw new AssertionError(node + " has no web entry in cluster.json");
        }
        return w;
    }

    /**
     * A client that accepts the demo's self-signed certificate (the tests check the fingerprint is logged; a browser
     * would ask the operator). Never follows redirects: the tests look at them.
     */
    static HttpClient insecureClient() throws Exception {
        return HttpClient.newBuilder().sslContext(Trust.all()).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Waits until the node's console answers its login page (the face starts after the demo reports in sync). */
    static void awaitConsole(HttpClient client, String baseUrl) {
        Poll.until(Duration.ofSeconds(90), "the web console at " + baseUrl + " answering", () -> client.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "login")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }
}
