package org.understudy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads the cluster file (and the secrets file it names), validating everything by hand so every problem is reported
 * at once as {@code key.path: what is wrong}. Relative paths resolve against the cluster file's directory. Stateless
 * and thread-safe. {@code conf/cluster.sample.yaml} documents every key.
 */
public final class ClusterConfigLoader {
    public static final int DEFAULT_REPLICATION_PORT = 7700;
    public static final int DEFAULT_ADMIN_PORT = 7800;
    public static final String DEFAULT_ADMIN_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_NBD_PORT = 10809;
    public static final String DEFAULT_SECRETS = "secrets.yaml";
    /** Volume sizes must be whole multiples of this. */
    public static final int VOLUME_ALIGNMENT = 4096;

    private static final Set<String> TOP = Set.of("cluster", "standby", "primaries", "mirror", "health", "failover",
            "eventLog", "snapshots");
    private static final Set<String> CLUSTER = Set.of("name", "secrets", "snmp");
    private static final Set<String> STANDBY = Set.of("name", "address", "replication", "admin", "stateDir", "snmp", "jmx",
            "web");
    private static final Set<String> PRIMARY = Set.of("name", "address", "nbdPort", "admin", "stateDir", "volumes", "snmp", "jmx",
            "replicationTarget", "health", "failover", "nbdMaxConnections", "snapshots", "web");
    private static final Set<String> ENDPOINT = Set.of("address", "port");
    private static final Set<String> VOLUME = Set.of("name", "file", "size", "mode", "mirror");
    private static final Set<String> MIRROR = Set.of("regionSize", "async", "throttle", "readBlocker");
    private static final Set<String> VOLUME_MIRROR = Set.of("regionSize", "async", "readBlocker");

    private final Path dir;
    private final TreeReader r = new TreeReader();
    private final SnmpConfigReader snmp = new SnmpConfigReader(r);
    /** Every listener seen so far, as "address:port" -> the key that declared it. */
    private final Map<String, String> listeners = new HashMap<>();
    /** Cluster-wide mirroring settings, read before the primaries so volumes inherit them. */
    private MirrorSettings mirror = MirrorSettings.DEFAULTS;
    /** Node names, lower-cased -> the key that declared it. */
    private final Map<String, String> nodeNames = new HashMap<>();

    private ClusterConfigLoader(Path dir) {
        this.dir = dir;
    }

    /** Loads and validates {@code clusterFile} and its secrets file. */
    public static ClusterConfig load(Path clusterFile) throws ConfigException {
        Path file = clusterFile.toAbsolutePath().normalize();
        JsonNode root = YamlFiles.read(file);
        ClusterConfigLoader loader = new ClusterConfigLoader(file.getParent());
        Parsed parsed = loader.parse((ObjectNode) root);
        if (!loader.r.problems().isEmpty()) {
            throw new ConfigException(file, loader.r.problems());
        }
        if (!java.nio.file.Files.exists(parsed.secretsFile)) {
            throw new ConfigException(file, "cluster.secrets", "names the secrets file " + parsed.secretsFile
                    + ", which does not exist (default: " + DEFAULT_SECRETS + " next to the cluster file; "
                    + "conf/secrets.sample.yaml is a template, the demo and the installer write one)");
        }
        Secrets secrets = SecretsLoader.load(parsed.secretsFile);
        SnmpConfig snmp = loader.snmp.result();
        List<String> userProblems = SnmpConfigReader.checkUsers(snmp, secrets.snmp());
        if (!userProblems.isEmpty()) {
            throw new ConfigException(file, userProblems);
        }
        ClusterConfig config = new ClusterConfig(file, parsed.name, parsed.standby, parsed.primaries, secrets, snmp,
                loader.mirror, parsed.ha, parsed.snapshots);
        List<String> secretsProblems = new ArrayList<>(JmxConfigReader.secretsProblems(config, secrets));
        secretsProblems.addAll(WebConfigReader.secretsProblems(config, secrets));
        if (!secretsProblems.isEmpty()) {
            throw new ConfigException(secrets.file(), secretsProblems);
        }
        return config;
    }

    private record Parsed(String name, Path secretsFile, StandbyConfig standby, List<PrimaryConfig> primaries,
                          HaConfig ha, SnapshotConfig snapshots) {
    }

    /** The {@code snapshots:} blocks; the standby's snapshot exports listen on its own address. */
    private SnapshotConfig snapshots(ObjectNode root, StandbyConfig standby, List<PrimaryConfig> primaries) {
        SnapshotConfigReader sr = new SnapshotConfigReader(r);
        SnapshotConfig cluster = sr.cluster(root.get("snapshots"));
        if (standby != null) {
            listener(standby.address(), cluster.port(), "snapshots.port");
        }
        Map<String, SnapshotConfig.Policy> own = new HashMap<>();
        JsonNode list = root.get("primaries");
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode p = list.get(i);
                String name = p.path("name").asText(null);
                if (p.hasNonNull("snapshots") && primaries.stream().anyMatch(pc -> pc.name().equals(name))) {
                    own.put(name, sr.primary(p.get("snapshots"), "primaries[" + i + "].snapshots", cluster.cluster()));
                }
            }
        }
        return new SnapshotConfig(cluster.chunkSize(), cluster.port(), cluster.cluster(), own);
    }

    /** The health/failover/event-log blocks; per-primary overrides are keyed by the primary's name. */
    private HaConfig ha(ObjectNode root, List<PrimaryConfig> primaries) {
        HaConfigReader hr = new HaConfigReader(r, dir);
        HaConfig.Health health = hr.health(root.get("health"), "health", HaConfig.Health.DEFAULTS);
        HaConfig.Failover failover = hr.failover(root.get("failover"), "failover", HaConfig.Failover.DEFAULTS, true);
        HaConfig.EventLog eventLog = hr.eventLog(root.get("eventLog"), "eventLog");
        Map<String, HaConfig.Health> ph = new HashMap<>();
        Map<String, HaConfig.Failover> pf = new HashMap<>();
        JsonNode list = root.get("primaries");
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode p = list.get(i);
                String name = p.path("name").asText(null);
                if (name == null || primaries.stream().noneMatch(pc -> pc.name().equals(name))) {
                    continue;
                }
                String path = "primaries[" + i + "]";
                if (p.hasNonNull("health")) {
                    ph.put(name, hr.health(p.get("health"), path + ".health", health));
                }
                if (p.hasNonNull("failover")) {
                    pf.put(name, hr.failover(p.get("failover"), path + ".failover", failover, false));
                }
            }
        }
        return new HaConfig(health, failover, eventLog, ph, pf);
    }

    private Parsed parse(ObjectNode root) {
        r.onlyKeys(root, "", TOP);
        String name = null;
        Path secrets = null;
        ObjectNode cluster = r.object(root.get("cluster"), "cluster", true);
        if (cluster != null) {
            r.onlyKeys(cluster, "cluster", CLUSTER);
            name = r.name(cluster, "cluster", "name");
            String s = r.text(cluster, "cluster", "secrets", DEFAULT_SECRETS);
            secrets = s == null ? null : dir.resolve(s).normalize();
            snmp.cluster(cluster);
        }
        JsonNode m = root.get("mirror");
        if (m != null && !m.isNull()) {
            MirrorSettings ms = MirrorBlock.read(r, m, "mirror", MirrorSettings.DEFAULTS, MIRROR);
            mirror = ms == null ? mirror : ms;
        }
        StandbyConfig standby = standby(root.get("standby"));
        List<PrimaryConfig> primaries = new ArrayList<>();
        JsonNode list = root.get("primaries");
        if (list == null || list.isNull() || (list.isArray() && list.isEmpty())) {
            r.problem("primaries", "is missing: a cluster needs at least one primary");
        } else if (!list.isArray()) {
            r.problem("primaries", "must be a list of primaries, not " + TreeReader.describe(list));
        } else {
            for (int i = 0; i < list.size(); i++) {
                PrimaryConfig p = primary(list.get(i), "primaries[" + i + "]");
                if (p != null) {
                    primaries.add(p);
                }
            }
        }
        MirrorBlock.checkSyncFloor(r, m, mirror, primaries);
        return new Parsed(name, secrets, standby, primaries, ha(root, primaries), snapshots(root, standby, primaries));
    }

    private StandbyConfig standby(JsonNode node) {
        if (node != null && node.isArray()) {
            r.problem("standby", "must be a single mapping: a cluster has exactly one standby");
            return null;
        }
        ObjectNode s = r.object(node, "standby", true);
        if (s == null) {
            return null;
        }
        r.onlyKeys(s, "standby", STANDBY);
        String name = nodeName(s, "standby");
        String address = r.address(s, "standby", "address", null);
        Endpoint replication = endpoint(s, "standby", "replication", address, DEFAULT_REPLICATION_PORT);
        Endpoint admin = endpoint(s, "standby", "admin", DEFAULT_ADMIN_ADDRESS, DEFAULT_ADMIN_PORT);
        Path stateDir = stateDir(s, "standby", name);
        snmp.agent(s, "standby", name, address);
        JmxConfig jmx = jmx(s, "standby", address);
        WebConfig web = web(s, "standby", address);
        if (name == null || address == null || replication == null || admin == null || stateDir == null) {
            return null;
        }
        return new StandbyConfig(name, address, replication, admin, stateDir, jmx, web);
    }

    private PrimaryConfig primary(JsonNode node, String path) {
        ObjectNode p = r.object(node, path, true);
        if (p == null) {
            return null;
        }
        r.onlyKeys(p, path, PRIMARY);
        String name = nodeName(p, path);
        String address = r.address(p, path, "address", null);
        int nbdPort = r.port(p, path, "nbdPort", DEFAULT_NBD_PORT);
        if (address != null && nbdPort > 0) {
            listener(address, nbdPort, TreeReader.join(path, "nbdPort"));
        }
        Endpoint admin = endpoint(p, path, "admin", DEFAULT_ADMIN_ADDRESS, DEFAULT_ADMIN_PORT);
        Path stateDir = stateDir(p, path, name);
        snmp.agent(p, path, name, address);
        List<VolumeConfig> volumes = volumes(p.get("volumes"), TreeReader.join(path, "volumes"));
        JmxConfig jmx = jmx(p, path, address);
        WebConfig web = web(p, path, address);
        Endpoint target = null;
        if (p.get("replicationTarget") != null && !p.get("replicationTarget").isNull()) {
            target = target(p, path);
            if (target == null) {
                return null;
            }
        }
        int maxConnections = PrimaryConfig.DEFAULT_NBD_MAX_CONNECTIONS;
        JsonNode mc = p.get("nbdMaxConnections");
        if (mc != null && !mc.isNull()) {
            if (!mc.isIntegralNumber() || mc.asLong() < 1 || mc.asLong() > 65536) {
                r.problem(TreeReader.join(path, "nbdMaxConnections"), TreeReader.quote(mc.asText())
                        + " must be a whole number from 1 to 65536");
                return null;
            }
            maxConnections = mc.asInt();
        }
        if (name == null || address == null || nbdPort < 0 || admin == null || stateDir == null || volumes == null) {
            return null;
        }
        return new PrimaryConfig(name, address, nbdPort, admin, stateDir, volumes, jmx, target, maxConnections, web);
    }

    private List<VolumeConfig> volumes(JsonNode node, String path) {
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            r.problem(path, "is missing: a primary protects at least one volume");
            return null;
        }
        if (!node.isArray()) {
            r.problem(path, "must be a list of volumes, not " + TreeReader.describe(node));
            return null;
        }
        List<VolumeConfig> volumes = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            String vp = path + "[" + i + "]";
            ObjectNode v = r.object(node.get(i), vp, true);
            if (v == null) {
                ok = false;
                continue;
            }
            r.onlyKeys(v, vp, VOLUME);
            String name = r.name(v, vp, "name");
            if (name != null) {
                String first = names.putIfAbsent(name, vp);
                if (first != null) {
                    r.problem(TreeReader.join(vp, "name"), TreeReader.quote(name) + " is already the name of " + first);
                }
            }
            String file = r.text(v, vp, "file", null);
            long size = r.size(v, vp, "size");
            if (size == 0 || (size > 0 && size % VOLUME_ALIGNMENT != 0)) {
                r.problem(TreeReader.join(vp, "size"), size + " bytes is not a positive multiple of " + VOLUME_ALIGNMENT);
                size = -1;
            }
            MirrorMode mode = mode(v, vp);
            MirrorSettings ms = mirror;
            if (v.get("mirror") != null && !v.get("mirror").isNull()) {
                ms = MirrorBlock.read(r, v.get("mirror"), TreeReader.join(vp, "mirror"), mirror, VOLUME_MIRROR);
            }
            if (name == null || file == null || size < 0 || mode == null || ms == null) {
                ok = false;
                continue;
            }
            volumes.add(new VolumeConfig(name, dir.resolve(file).normalize(), size, mode, ms));
        }
        return ok ? volumes : null;
    }

    private MirrorMode mode(ObjectNode v, String path) {
        String s = r.text(v, path, "mode", "sync");
        if (s == null) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "sync" -> MirrorMode.SYNC;
            case "async" -> MirrorMode.ASYNC;
            default -> {
                r.problem(TreeReader.join(path, "mode"), TreeReader.quote(s) + " is not a mirror mode (use sync or async)");
                yield null;
            }
        };
    }

    private String nodeName(ObjectNode node, String path) {
        String name = r.name(node, path, "name");
        if (name != null) {
            String first = nodeNames.putIfAbsent(name.toLowerCase(Locale.ROOT), path);
            if (first != null) {
                r.problem(TreeReader.join(path, "name"), TreeReader.quote(name) + " is already the name of " + first);
            }
        }
        return name;
    }

    private Path stateDir(ObjectNode node, String path, String name) {
        String s = r.text(node, path, "stateDir", name == null ? "state" : "state/" + name);
        return s == null ? null : dir.resolve(s).normalize();
    }

    /** An optional {@code { address, port }} mapping with defaults; registers the listener for collision checks. */
    private Endpoint endpoint(ObjectNode parent, String path, String key, String defaultAddress, int defaultPort) {
        String p = TreeReader.join(path, key);
        JsonNode node = parent.get(key);
        String address = defaultAddress;
        int port = defaultPort;
        if (node != null && !node.isNull()) {
            ObjectNode e = r.object(node, p, true);
            if (e == null) {
                return null;
            }
            r.onlyKeys(e, p, ENDPOINT);
            address = r.address(e, p, "address", defaultAddress);
            port = r.port(e, p, "port", defaultPort);
        }
        if (address == null || port < 0) {
            return null;
        }
        listener(address, port, p);
        return new Endpoint(address, port);
    }

    /** The node's optional {@code jmx:} block (see {@link JmxConfigReader}); its port counts as a listener. */
    private JmxConfig jmx(ObjectNode node, String path, String nodeAddress) {
        JmxConfig jmx = JmxConfigReader.read(r, node, path, nodeAddress, dir);
        if (jmx != null) {
            listener(jmx.endpoint().host(), jmx.endpoint().port(), TreeReader.join(path, "jmx"));
        }
        return jmx;
    }

    /** The node's optional {@code web:} block (see {@link WebConfigReader}); its port counts as a listener. */
    private WebConfig web(ObjectNode node, String path, String nodeAddress) {
        WebConfig web = WebConfigReader.read(r, node, path, nodeAddress, dir);
        if (web != null) {
            listener(web.endpoint().host(), web.endpoint().port(), TreeReader.join(path, "web"));
        }
        return web;
    }

    /** {@code replicationTarget: {address, port}}: where the primary connects instead of the standby (no listener). */
    private Endpoint target(ObjectNode p, String path) {
        String tp = TreeReader.join(path, "replicationTarget");
        ObjectNode e = r.object(p.get("replicationTarget"), tp, true);
        if (e == null) {
            return null;
        }
        r.onlyKeys(e, tp, ENDPOINT);
        String address = r.address(e, tp, "address", null);
        int port = r.port(e, tp, "port", DEFAULT_REPLICATION_PORT);
        return address == null || port < 0 ? null : new Endpoint(address, port);
    }

    private void listener(String address, int port, String key) {
        String first = listeners.putIfAbsent(address.toLowerCase(Locale.ROOT) + ":" + port, key);
        if (first != null) {
            r.problem(key, address + ":" + port + " is also used by " + first
                    + " (every listener of the cluster needs its own address:port)");
        }
    }
}
