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
        NodeConfig node = cluster.node(nodeName).orElse(null);
        if (node == null) {
            err.println("understudy: " + configFile + ": no node named '" + nodeName + "' (nodes: "
                    + Stream.concat(Stream.of(cluster.standby().name()), cluster.primaries().stream().map(PrimaryConfig::name))
                            .collect(Collectors.joining(", ")) + ")");
            return 2;
        }
        Role actual = node instanceof StandbyConfig ? Role.STANDBY : Role.PRIMARY;
        if (actual != role || !type.isInstance(node)) {
            err.println("understudy: " + configFile + ": node '" + nodeName + "' is the cluster's " + actual.name().toLowerCase()
                    + ", not a " + role.name().toLowerCase() + "; run 'understudy " + actual.name().toLowerCase() + "'");
            return 2;
        }
        NodeLogging.toStateDir(node.stateDir(), nodeName);
        Logger log = LogManager.getLogger(NodeRunner.class);

        NodeLock lock;
        try {
            lock = NodeLock.acquire(node.stateDir(), nodeName);
        } catch (Exception e) {
            err.println("understudy: " + e.getMessage());
            return 1;
        }
        NodeServices services;
        try {
            HaConfig.EventLog el = cluster.ha().eventLog();
            services = NodeServices.open(nodeName, node.stateDir(), new Retention(
                    java.time.Duration.ofDays(el.retentionDays()), el.maxRows()), el.authFailureAlarmPerMinute());
        } catch (RuntimeException e) {
            err.println("understudy: node " + nodeName + " cannot open its event log: " + e.getMessage());
            lock.close();
            return 1;
        }
        NodeEngine engine = factory.create(cluster, type.cast(node), services);
        AdminServer admin = null;
        Faces faces = null;
        try {
            engine.start();
            admin = new AdminServer(node.admin(), new AdminAccess(cluster.secrets().adminTokens(),
                    NodeCredential.fromClusterKey(cluster.secrets().clusterKey()), services.authFailures(),
                    System::currentTimeMillis), engine.model());
            admin.start();
            CommandApi commands = new CommandApi(nodeName, engine.commands(), services.audit());
            CommandRoutes.register(admin, commands);
            EventRoutes.register(admin, services.eventLog());
            DeployStepRoutes.register(admin, services.recorder());
            engine.routes(admin);
            faces = Faces.start(new FaceContext(cluster, node, engine.model(), services.alarms(), services.events(), commands,
                    node.stateDir(), services.authFailures(), services.eventLog()));
        } catch (Exception e) {
            log.error("{}: failed to start: {}", nodeName, e.toString(), e);
            err.println("understudy: node " + nodeName + " failed to start: " + e.getMessage());
            stopAll(faces, admin, engine, services, lock);
            return 1;
        }
        log.info("{}: {} ready (pid {}, admin API on {})", nodeName, role.name().toLowerCase(), ProcessHandle.current().pid(), node.admin());

        CountDownLatch stopped = new CountDownLatch(1);
        final AdminServer adminRef = admin;
        final Faces facesRef = faces;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{}: stopping", nodeName);
            stopAll(facesRef, adminRef, engine, services, lock);
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

    private static void stopAll(Faces faces, AdminServer admin, NodeEngine engine, NodeServices services, NodeLock lock) {
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
