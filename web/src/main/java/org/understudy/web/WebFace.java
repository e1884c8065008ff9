package org.understudy.web;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.WebConfig;
import org.understudy.face.FaceContext;
import org.understudy.face.ManagementFace;
import org.understudy.web.actions.ActionCatalog;

/**
 * The web face: the console (pages, live updates over SSE, graphs, the event log, operator actions) and Prometheus
 * {@code /metrics}, served by the node's own Jetty when its cluster-file entry has a {@code web:} block. The standby
 * answers for the whole cluster, a primary for itself. It reads the model and acts through the command API only.
 * Found by the daemon through {@link java.util.ServiceLoader}; started and closed once.
 *
 * <p>This class only decides; the console itself is a {@link WebConsole}. The JVM verifies a class's code when it
 * links it, and verifying code that builds the console loaded classes of the servlet API, the metrics library and the
 * action catalog even on a node that never builds one; here nothing names their types, so a node without a
 * {@code web:} block loads no class of the console's libraries.
 */
public final class WebFace implements ManagementFace {
    private static final Logger LOG = LogManager.getLogger(WebFace.class);

    /** The actions offered; null: the standard ones, built when the console starts. */
    private final ActionCatalog catalog;
    private WebConsole console;

    /** The face the daemon loads: the standard actions. */
    public WebFace() {
        this.catalog = null;
    }

    /**
     * A face offering {@code catalog}'s actions. Not public: the daemon's ServiceLoader looks the public constructors
     * up by reflection, which loads the types of their parameters.
     */
    WebFace(ActionCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "web";
    }

    @Override
    public void start(FaceContext ctx) throws Exception {
        WebConfig config = ctx.node().web();
        if (config == null) {
            LOG.info("{}: no web block for this node: no web console and no /metrics", ctx.node().name());
            return;
        }
        console = WebConsole.start(ctx, config, catalog);
    }

    /** Open live pages (for tests and the benchmark's log line). */
    int livePages() {
        return console == null ? 0 : console.livePages();
    }

    /** The bound port, -1 when not serving. */
    int port() {
        return console == null ? -1 : console.port();
    }

    @Override
    public void close() {
        if (console != null) {
            console.close();
            console = null;
        }
        LOG.info("web face closed");
    }
}
