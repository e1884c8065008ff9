package org.understudy.installer.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import org.understudy.config.SecretsGenerator;
import org.understudy.installer.deploy.InstallSettings;

/**
 * {@code understudy setup}: keeps the cluster file's and install.yaml's trees (read from {@code dir} when they
 * exist), applies answers, and writes both plus a generated secrets file — only after the whole cluster file
 * validated. Not thread-safe.
 */
public final class Setup {
    /** An answer that makes the cluster invalid; nothing was written. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    private static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).build();
    private final Path dir;
    private final ObjectNode cluster;
    private final ObjectNode install;

    public Setup(Path dir) throws IOException {
        this.dir = dir;
        this.cluster = read(dir.resolve("cluster.yaml"));
        this.install = read(dir.resolve(InstallSettings.FILE));
    }

    private static ObjectNode read(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode n = YAML.readTree(f.toFile());
        return n instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    public void applyAnswers(Path answers) throws IOException, Invalid {
        JsonNode a = YAML.readTree(answers.toFile());
        if (!(a instanceof ObjectNode)) {
            throw new Invalid(answers + " must be a YAML mapping of answers");
        }
        apply(a);
    }

    private void apply(JsonNode a) throws Invalid {
        try {
            ClusterAnswers.apply(a, cluster, install);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
    }

    /** Asks the few questions that matter, with the current (or a sensible) value as default. */
    public void ask(BufferedReader in, PrintWriter out) throws IOException, Invalid {
        Prompt q = new Prompt(in, out);
        ObjectNode a = JsonNodeFactory.instance.objectNode();
        a.put("cluster", q.ask("cluster name", cluster.path("cluster").path("name").asText("understudy")));
        ObjectNode sb = a.putObject("standby");
        JsonNode oldSb = cluster.path("standby");
        sb.put("name", q.ask("standby name", oldSb.path("name").asText("standby")));
        sb.put("address", q.ask("standby address", oldSb.path("address").asText(localAddress())));
        int n = Integer.parseInt(q.ask("how many primaries", String.valueOf(Math.max(1, cluster.path("primaries").size()))));
        ArrayNode ps = a.putArray("primaries");
        for (int i = 0; i < n; i++) {
            JsonNode old = cluster.path("primaries").path(i);
            ObjectNode p = ps.addObject();
            String name = q.ask("primary " + (i + 1) + " name", old.path("name").asText("p" + (i + 1)));
            p.put("name", name);
            p.put("address", q.ask(name + " service address (moves to the standby on failover)", old.path("address").asText("")));
            p.put("ssh", q.ask(name + " management address (SSH, admin API)", old.path("admin").path("address").asText(p.get("address").asText())));
            ArrayNode vols = p.putArray("volumes");
            int nv = Integer.parseInt(q.ask(name + " volumes", String.valueOf(Math.max(1, old.path("volumes").size()))));
            for (int v = 0; v < nv; v++) {
                JsonNode ov = old.path("volumes").path(v);
                ObjectNode vo = vols.addObject();
                String vn = q.ask(name + " volume " + (v + 1) + " name", ov.path("name").asText("vol" + v));
                vo.put("name", vn);
                vo.put("file", q.ask(vn + " block device or file", ov.path("file").asText("/var/lib/understudy-data/" + name + "-" + vn + ".img")));
                vo.put("size", q.ask(vn + " size", ov.path("size").asText("1GiB")));
            }
        }
        JsonNode fo = cluster.path("failover");
        a.put("identity", q.ask("identity mode (ip: take the address with ip addr add; loopback: tests)", fo.path("identity").asText("ip")));
        if (a.get("identity").asText().equals("ip")) {
            a.put("device", q.ask("network device that gets a failed primary's address", fo.path("device").asText("eth0")));
            a.put("prefix", Integer.parseInt(q.ask("its prefix length", fo.path("prefix").asText("24"))));
        }
        String fence = q.ask("fencing command (e.g. a power-off script; none for none)", fo.path("fencingCommand").asText("none"));
        if (!fence.equals("none") && !fence.isBlank()) {
            a.put("fencingCommand", fence);
        }
        String jmx = q.ask("JMX connector port for JConsole (none for none)", cluster.path("standby").path("jmx").path("port").asText("none"));
        if (!jmx.equals("none")) {
            a.put("jmxPort", Integer.parseInt(jmx));
        }
        String snmp = q.ask("SNMP agent port (none for none)", cluster.path("standby").path("snmp").path("port").asText("none"));
        if (!snmp.equals("none")) {
            a.put("snmpPort", Integer.parseInt(snmp));
        }
        a.put("serviceUser", q.ask("service user on every node", install.path("serviceUser").asText("understudy")));
        apply(a);
    }

    /** Validates and writes the files; returns what was written. */
    public String write() throws IOException, Invalid {
        Files.createDirectories(dir);
        Path secrets = dir.resolve(cluster.path("cluster").path("secrets").asText("secrets.yaml"));
        boolean newSecrets = !Files.exists(secrets);
        if (newSecrets) {
            new SecretsGenerator().write(secrets);
        }
        Path candidate = dir.resolve(".cluster.yaml.new");
        Files.writeString(candidate, "# Understudy cluster file, written by `understudy setup` (conf/cluster.sample.yaml documents every key)\n"
                + YAML.writeValueAsString(cluster));
        ClusterConfig loaded;
        try {
            loaded = ClusterConfigLoader.load(candidate);
        } catch (ConfigException e) {
            Files.deleteIfExists(candidate);
            if (newSecrets) {
                Files.deleteIfExists(secrets);
            }
            throw new Invalid("the answers give an invalid cluster file, nothing written:\n  " + String.join("\n  ", e.problems()));
        }
        Files.move(candidate, dir.resolve("cluster.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(dir.resolve(InstallSettings.FILE), "# where `understudy install` puts things; every key optional\n"
                + YAML.writeValueAsString(install));
        InstallSettings.read(dir.resolve(InstallSettings.FILE));
        return "wrote " + dir.resolve("cluster.yaml") + " (" + loaded.primaries().size() + " primaries, "
                + loaded.primaries().stream().mapToInt(p -> p.volumes().size()).sum() + " volumes), "
                + dir.resolve(InstallSettings.FILE) + (newSecrets ? " and " + secrets + " (0600, generated secrets: cluster key,"
                + " admin token, SNMPv3 users ops/monitor, JMX logins monitor/operator)" : "; kept " + secrets)
                + "\nnext: understudy install --config " + dir.resolve("cluster.yaml") + " --dry-run";
    }

    private static String localAddress() {
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && a.getAddress().length == 4) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "127.0.0.1";
    }

    /** One question, one line, Enter takes the default. */
    private record Prompt(BufferedReader in, PrintWriter out) {
        String ask(String question, String def) throws IOException {
            out.print(question + (def.isEmpty() ? "" : " [" + def + "]") + ": ");
            out.flush();
            String line = in.readLine();
            return line == null || line.isBlank() ? def : line.strip();
        }
    }
}
