package org.understudy.web.metrics;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BiConsumer;

/**
 * {@code GET /metrics}: the node's registry in the format the scraper asks for (Prometheus text by default,
 * OpenMetrics when its Accept header says so), written by the prometheus-metrics library. Needs
 * {@code Authorization: Bearer TOKEN} unless the node's web block says {@code metricsOpen: true}; a refusal is an
 * authentication failure like a wrong login.
 */
public final class MetricsServlet extends HttpServlet {
    private final transient PrometheusRegistry registry;
    private final transient ExpositionFormats formats = ExpositionFormats.init();
    private final byte[] token;
    private final transient BiConsumer<HttpServletRequest, String> refused;

    /**
     * @param token   the bearer token scrapers must send, or null when metrics are open
     * @param refused told of every refused scrape (the request, why)
     */
    public MetricsServlet(PrometheusRegistry registry, String token, BiConsumer<HttpServletRequest, String> refused) {
        this.registry = registry;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.refused = refused;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (token != null) {
            String header = req.getHeader("Authorization");
            boolean bearer = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7);
            if (!bearer || !MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8))) {
                refused.accept(req, bearer ? "wrong bearer token on /metrics" : "no bearer token on /metrics");
                resp.setHeader("WWW-Authenticate", "Bearer realm=\"understudy metrics\"");
                resp.setContentType("text/plain; charset=utf-8");
                resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                resp.getWriter().write("missing or wrong bearer token (web.metricsToken in the secrets file)\n");
                return;
            }
        }
        MetricSnapshots snapshots = registry.scrape();
        ExpositionFormatWriter writer = formats.findWriter(req.getHeader("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        writer.write(body, snapshots);
        resp.setContentType(writer.getContentType());
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.size());
        body.writeTo(resp.getOutputStream());
    }
}
