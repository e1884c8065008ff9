package org.understudy.web;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.WebConfig;
import org.understudy.face.FaceContext;
import org.understudy.model.AlarmSource;
import org.understudy.model.ClusterSnapshot;
import org.understudy.web.actions.ActionCatalog;
import org.understudy.web.actions.Jobs;
import org.understudy.web.auth.LoginThrottle;
import org.understudy.web.auth.Logins;
import org.understudy.web.auth.SessionStore;
import org.understudy.web.live.LiveHub;
import org.understudy.web.metrics.ModelCollector;
import org.understudy.web.pages.ConsoleState;
import org.understudy.web.pages.Site;
import org.understudy.web.series.SeriesStore;
import org.understudy.web.server.KeyStores;
import org.understudy.web.server.WebServer;

/**
 * The running web console of one node: pages, live updates over SSE, graphs, the event log, operator actions and
 * Prometheus {@code /metrics} on the node's own Jetty. {@link WebFace} builds one only for a node whose cluster-file
 * entry has a {@code web:} block, so a node without one loads none of the console's classes or libraries (the
 * servlet stack, the metrics library, the action catalog, the WebJars). Started once and closed once, from the
 * daemon's thread.
 */
final class WebConsole implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(WebConsole.class);
    /** Graph samples: one every 2 s, an hour of them per volume. */
    static final Duration SAMPLE = Duration.ofSeconds(2);

    private final List<AlarmSource.Subscription> subscriptions = new ArrayList<>();
    private ExecutorService virtualThreads;
    private Publisher publisher;
    private WebServer server;
    private LiveHub<ConsoleState> hub;

    /**
     * Starts the console of {@code ctx}'s node as {@code config} says, offering {@code catalog}'s actions (null: the
     * standard ones). A console that fails half-way is closed before the exception leaves.
     */
    static WebConsole start(FaceContext ctx, WebConfig config, ActionCatalog catalog) throws Exception {
        WebConsole console = new WebConsole();
        try {
            console.serve(ctx, config, catalog == null ? ActionCatalog.standard() : catalog);
        } catch (Exception | Error e) {
            console.close();
            throw e;
        }
        return console;
    }

    private WebConsole() {
    }

    private void serve(FaceContext ctx, WebConfig config, ActionCatalog catalog) throws Exception {
        String node = ctx.node().name();
        Site site = Site.of(ctx.cluster(), ctx.node());
        InstantSource wall = InstantSource.system();
        virtualThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("web-", 0).factory());
        SeriesStore series = new SeriesStore(SAMPLE);
        Publisher[] pub = new Publisher[1];
        Jobs jobs = new Jobs(ctx.commands(), virtualThreads, wall, () -> {
            if (pub[0] != null) {
                pub[0].poke();
            }
        });
        java.util.function.Supplier<ConsoleState> state = () -> {
            ClusterSnapshot snapshot = ctx.model().snapshot();
            jobs.observe(snapshot);
            return new ConsoleState(site, snapshot, jobs.recent(), ctx.eventLog());
        };
        hub = new LiveHub<>(new ConsoleViews(series), state, virtualThreads);
        publisher = new Publisher(node, state, hub, series, SAMPLE.toMillis(), System::nanoTime, wall);
        pub[0] = publisher;
        // subscribe before the first round, so nothing between the two is missed
        subscriptions.add(ctx.events().subscribe(e -> publisher.poke()));
        subscriptions.add(ctx.alarms().subscribe(c -> publisher.poke()));
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ModelCollector(ctx.model()::snapshot, ctx.authFailures()::counts));
        KeyStores.Store keys = null;
        if (!config.plainHttp()) {
            keys = config.tls() != null
                    ? new KeyStores.Store(config.tls().keyStore(), config.tls().storeType(),
                            ctx.cluster().secrets().web().keyStorePassword().toCharArray())
                    : KeyStores.selfSigned(ctx.stateDir(), node, config.endpoint().host());
        }
        SessionStore sessions = new SessionStore(config.sessionTimeout(), System::nanoTime, new SecureRandom());
        server = new WebServer(config, keys, new WebServer.Parts(site, state, sessions, new LoginThrottle(System::nanoTime),
                new Logins(ctx.cluster().secrets().web().users()), ctx.authFailures(), catalog, jobs, series, hub,
                registry, config.metricsOpen() ? null : ctx.cluster().secrets().web().metricsToken(), wall));
        publisher.round();
        publisher.start();
        server.start();
        LOG.info("{}: web console at {} ({} login(s); /metrics {})", node, config.url(),
                ctx.cluster().secrets().web().users().size(), config.metricsOpen() ? "open" : "needs the metrics token");
    }

    /** Open live pages. */
    int livePages() {
        return hub == null ? 0 : hub.pages();
    }

    /** The bound port, -1 when not serving. */
    int port() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        subscriptions.forEach(AlarmSource.Subscription::close);
        subscriptions.clear();
        if (server != null) {
            server.close();
            server = null;
        }
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
        if (virtualThreads != null) {
            virtualThreads.shutdownNow();
            virtualThreads = null;
        }
    }
}
