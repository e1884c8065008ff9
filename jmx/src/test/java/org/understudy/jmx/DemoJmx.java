package org.understudy.jmx;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.understudy.e2e.DemoFixture;

/** JMX connections to the nodes of a running demo, with the logins its cluster.json lists. Stateless. */
final class DemoJmx {
    private DemoJmx() {
    }

    static JsonNode entry(DemoFixture demo, String node) {
        for (JsonNode n : demo.clusterJson().path("nodes")) {
            if (n.path("name").asText().equals(node)) {
                JsonNode jmx = n.path("jmx");
                if (jmx.isMissingNode()) {
                    throw new AssertionError(node + " has no jmx entry in cluster.json: " + n);
                }
                return jmx;
            }
        }
        throw new AssertionError("no node " + node + " in cluster.json");
    }

    static String url(DemoFixture demo, String node) {
        return entry(demo, node).path("url").asText();
    }

    static JMXConnector operator(DemoFixture demo, String node) throws IOException {
        JsonNode j = entry(demo, node);
        return connect(j.path("url").asText(), j.path("user").asText(), j.path("password").asText());
    }

    static JMXConnector monitor(DemoFixture demo, String node) throws IOException {
        JsonNode j = entry(demo, node);
        return connect(j.path("url").asText(), j.path("monitor").path("user").asText(), j.path("monitor").path("password").asText());
    }

    static JMXConnector connect(String url, String user, String password) throws IOException {
        Map<String, Object> env = user == null ? Map.of() : Map.of(JMXConnector.CREDENTIALS, new String[] {user, password});
        return JMXConnectorFactory.connect(new JMXServiceURL(url), env);
    }

    /** The node's log file and console output (where the command API writes each operator action). */
    static String log(DemoFixture demo, String node) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path f : new Path[] {demo.dir().resolve("state").resolve(node).resolve("logs").resolve("understudy.log"),
            demo.dir().resolve("logs").resolve(node + ".out")}) {
            if (Files.exists(f)) {
                sb.append(Files.readString(f));
            }
        }
        return sb.toString();
    }
}
