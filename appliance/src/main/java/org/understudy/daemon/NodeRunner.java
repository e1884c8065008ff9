package org.understudy.daemon;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.admin.AdminAccess;
import org.understudy.admin.AdminServer;
import org.understudy.admin.CommandRoutes;
import org.understudy.admin.EventRoutes;
import org.understudy.events.EventLogFormat;
import org.understudy.events.Retention;
import org.understudy.command.CommandApi;
import org.understudy.config.ClusterConfig;
import org.understudy.config.ClusterConfigLoader;
import org.understudy.config.ConfigException;
import org.understudy.config.HaConfig;
import org.understudy.config.NodeConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.StandbyConfig;
import org.understudy.face.FaceContext;
import org.understudy.model.Role;
import org.understudy.security.NodeCredential;

/**
 * Runs one node in the foreground: validates the cluster file, takes the state directory, starts the role's engines,
 * the admin API and the management faces, and on SIGTERM/SIGINT stops them in reverse order.
 */
public final class NodeRunner {
    private NodeRunner() {
    }

    /**
     * Runs the node {@code nodeName} of {@code configFile}, which must be of the role {@code role} (its configuration
     * a {@code type}), with the engine {@code factory} builds. Exit codes: 0 clean stop, 1 failed to start, 2 invalid
     * configuration or arguments.
     */
    public static <C extends NodeConfig> int run(Path configFile, String nodeName, Role role, Class<C> type,
                                                 NodeEngine.Factory<C> factory, PrintStream err) {
        ClusterConfig cluster;
        try {
            cluster = ClusterConfigLoader.load(configFile);
        } catch (ConfigException e) {
            err.println("understudy: invalid configuration, node not started:");
            e.problems().forEach(p -> err.println("  " + p));
            Path clusterFile = configFile.toAbsolutePath().normalize();
            // the problems may be in the secrets file the cluster file names: say which file they are in
            err.println("  (in " + e.file() + (e.file() != null && !e.file().equals(clusterFile)
                    ? ", the secrets file named by cluster.secrets in " + clusterFile : "") + ")");
            return 2;
        }
        NodeConfig config = cluster.node(nodeName).orElse(null);
        if (config == null) {
            err.println("understudy: " + configFile + ": no node named '" + nodeName + "' (nodes: "
                    + Stream.concat(Stream.of(cluster.standby().name()), cluster.primaries().stream().map(PrimaryConfig::name))
                            .collect(Collectors.joining(", ")) + ")");
            return 2;
        }
        Role actual = config instanceof StandbyConfig ? Role.STANDBY : Role.PRIMARY;
        if (actual != role || !type.isInstance(config)) {
            err.println("understudy: " + configFile + ": node '" + nodeName + "' is the cluster's " + actual.name().toLowerCase()
                    + ", not a " + role.name().toLowerCase() + "; run 'understudy " + actual.name().toLowerCase() + "'");
            return 2;
        }
        NodeLogging.toStateDir(config.stateDir(), nodeName);
        Logger log = LogManager.getLogger(NodeRunner.class);

        Started node;
        try {
            node = start(cluster, type.cast(config), factory, true);
        } catch (StartException e) {
            err.println("understudy: " + e.getMessage());
            return 1;
        }
        log.info("{}: {} ready (pid {}, admin API on {})", nodeName, role.name().toLowerCase(), ProcessHandle.current().pid(), config.admin());

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{}: stopping", nodeName);
            node.close();
            log.info("{}: stopped", nodeName);
            stopped.countDown();
            LogManager.shutdown();
        }, "understudy-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** A node refused to start; the message says why. */
    public static final class StartException extends Exception {
        StartException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Starts one node of {@code cluster} in this JVM: takes its state directory, opens its event log, starts the
     * engine and its admin API, and with {@code faces} its management faces (SNMP, JMX, web). The load harness runs
     * many primaries in one JVM this way, without their faces. The caller closes what it gets.
     */
    public static <C extends NodeConfig> Started start(ClusterConfig cluster, C config,
                                                       NodeEngine.Factory<C> factory, boolean faces)
            throws StartException {
        String nodeName = config.name();
        Logger log = LogManager.getLogger(NodeRunner.class);
        NodeLock lock;
        try {
            lock = NodeLock.acquire(config.stateDir(), nodeName);
        } catch (Exception e) {
            throw new StartException(e.getMessage(), e);
        }
        NodeServices services;
        try {
            HaConfig.EventLog el = cluster.ha().eventLog();
            // a primary's log is small and rarely read: a plain file keeps Derby's classes out of the agent's JVM
            EventLogFormat format = config instanceof PrimaryConfig ? EventLogFormat.FILE : EventLogFormat.DERBY;
            services = NodeServices.open(nodeName, config.stateDir(), format, new Retention(
                    java.time.Duration.ofDays(el.retentionDays()), el.maxRows()), el.authFailureAlarmPerMinute());
        } catch (RuntimeException e) {
            lock.close();
            throw new StartException("node " + nodeName + " cannot open its event log: " + e.getMessage(), e);
        }
        NodeEngine engine = factory.create(cluster, config, services);
        AdminServer admin = null;
        Faces started = null;
        try {
            engine.start();
            admin = new AdminServer(config.admin(), new AdminAccess(cluster.secrets().adminTokens(),
                    NodeCredential.fromClusterKey(cluster.secrets().clusterKey()), services.authFailures(),
                    System::currentTimeMillis), engine.model());
            admin.start();
            CommandApi commands = new CommandApi(nodeName, engine.commands(), services.audit());
            CommandRoutes.register(admin, commands);
            EventRoutes.register(admin, services.eventLog());
            DeployStepRoutes.register(admin, services.recorder());
            engine.routes(admin);
            if (faces) {
                started = Faces.start(new FaceContext(cluster, config, engine.model(), services.alarms(),
                        services.events(), commands, config.stateDir(), services.authFailures(),
                        services.eventLog()));
            }
        } catch (Exception e) {
            log.error("{}: failed to start: {}", nodeName, e.toString(), e);
            new Started(started, admin, engine, services, lock).close();
            throw new StartException("node " + nodeName + " failed to start: " + e.getMessage(), e);
        }
        return new Started(started, admin, engine, services, lock);
    }

    /** A node running in this JVM; {@link #close} stops it in reverse order of start. Not thread-safe. */
    public static final class Started implements AutoCloseable {
        private final Faces faces;
        private final AdminServer admin;
        private final NodeEngine engine;
        private final NodeServices services;
        private final NodeLock lock;

        private Started(Faces faces, AdminServer admin, NodeEngine engine, NodeServices services, NodeLock lock) {
            this.faces = faces;
            this.admin = admin;
            this.engine = engine;
            this.services = services;
            this.lock = lock;
        }

        public NodeEngine engine() {
            return engine;
        }

        @Override
        public void close() {
            if (faces != null) {
                faces.close();
            }
            if (admin != null) {
                admin.close();
            }
            engine.close();
            services.close();
            lock.close();
        }
    }
}
