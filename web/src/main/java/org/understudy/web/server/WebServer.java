package org.understudy.web.server;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.understudy.config.WebConfig;
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.security.AuthFailures;
import org.understudy.web.actions.ActionCatalog;
import org.understudy.web.actions.Jobs;
import org.understudy.web.auth.LoginThrottle;
import org.understudy.web.auth.Logins;
import org.understudy.web.auth.SessionStore;
import org.understudy.web.auth.WebSession;
import org.understudy.web.live.LiveHub;
import org.understudy.web.live.LiveServlet;
import org.understudy.web.metrics.MetricsServlet;
import org.understudy.web.pages.ConsoleState;
import org.understudy.web.pages.Site;
import org.understudy.web.series.SeriesStore;

/**
 * The console's Jetty: one connector (HTTPS with the configured or self-signed key store; plain HTTP only where the
 * configuration allowed it, on loopback), no Server header, and one servlet context: the guard in front of the login,
 * the pages and actions, the live streams, the assets and {@code /metrics}.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(WebServer.class);
    /** Seconds between SSE heartbeats (a comment line), so a dead connection is noticed and closed. */
    static final int HEARTBEAT_SECONDS = 10;

    /** What the server serves: the parts the face wired together. */
    public record Parts(Site site, Supplier<ConsoleState> state, SessionStore sessions, LoginThrottle throttle,
                        Logins logins, AuthFailures failures, ActionCatalog catalog, Jobs jobs, SeriesStore series,
                        LiveHub<ConsoleState> live, PrometheusRegistry metrics, String metricsToken, InstantSource wall) {
    }

    private final WebConfig config;
    private final Server server;
    private final ServerConnector connector;

    /** @param keyStore the HTTPS keys; null only when the configuration asks for plain HTTP */
    public WebServer(WebConfig config, KeyStores.Store keyStore, Parts parts) {
        this.config = config;
        boolean https = !config.plainHttp();
        QueuedThreadPool pool = new QueuedThreadPool(64, 2);
        pool.setName("web-http");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        if (https) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // browsers reach a node by its address; the certificate names it
            http.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(keyStore.file().toString());
            ssl.setKeyStoreType(keyStore.type());
            ssl.setKeyStorePassword(new String(keyStore.password()));
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        }
        connector.setHost(config.endpoint().host());
        connector.setPort(config.endpoint().port());
        connector.setIdleTimeout(60_000);
        server.addConnector(connector);
        server.setHandler(context(parts, https));
        server.setErrorHandler(ErrorPages.serverLevel(parts.site()));
        server.setStopTimeout(0);
    }

    private static ServletContextHandler context(Parts p, boolean https) {
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ctx.setContextPath("/");
        ctx.setMaxFormContentSize(Guard.MAX_BODY);
        ctx.setMaxFormKeys(64);
        ctx.setErrorHandler(new ErrorPages(p.site()));
        FilterHolder guard = new FilterHolder(new Guard(p.sessions(), p.site(), https));
        guard.setAsyncSupported(true);
        ctx.addFilter(guard, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder login = new ServletHolder(new LoginServlet(p.site(), p.logins(), p.throttle(), p.sessions(),
                p.failures(), https));
        ctx.addServlet(login, "/login");
        ctx.addServlet(login, "/logout");
        ServletHolder assets = new ServletHolder(new AssetServlet(p.site()));
        ctx.addServlet(assets, "/assets/*");
        ctx.addServlet(assets, "/webjars/*");
        ctx.addServlet(new ServletHolder(new MetricsServlet(p.metrics(), p.metricsToken(),
                (req, why) -> p.failures().record(new AuthFailure(AuthFace.WEB, req.getRemoteAddr(), "", why)))), "/metrics");
        ServletHolder live = new ServletHolder(new LiveServlet(p.live(), req -> {
            WebSession s = (WebSession) req.getAttribute(WebSession.ATTRIBUTE);
            return () -> p.sessions().live(s);
        }));
        live.setAsyncSupported(true);
        live.setInitParameter("heartBeatPeriod", Integer.toString(HEARTBEAT_SECONDS));
        ctx.addServlet(live, "/live");
        ctx.addServlet(new ServletHolder(new ConsoleServlet(p.site(), p.state(), p.catalog(), p.jobs(), p.series(),
                p.wall())), "/");
        return ctx;
    }

    public void start() throws IOException {
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // it did not start; nothing to stop
            }
            throw new IOException("web console cannot listen on " + config.endpoint() + ": " + e.getMessage(), e);
        }
        LOG.info("web console listening on {} ({})", config.url().replace(":" + config.endpoint().port(), ":" + port()),
                config.plainHttp() ? "plain HTTP, loopback only" : "HTTPS");
    }

    /** The bound port (the actual one when configured as 0). */
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("web console on {} did not stop cleanly: {}", config.endpoint(), e.toString());
        }
    }
}
