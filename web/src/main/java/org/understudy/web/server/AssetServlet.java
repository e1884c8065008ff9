package org.understudy.web.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.understudy.web.pages.Site;

/**
 * The console's own stylesheet and scripts ({@code /assets/...}) and the pinned WebJars ({@code /webjars/...}),
 * from the class path: the node serves everything a page loads, so the console works offline. Only plain file names
 * of known types are served; anything else is a 404. Files are read once and kept. Thread-safe.
 */
final class AssetServlet extends HttpServlet {
    private static final Pattern SAFE = Pattern.compile("(/[A-Za-z0-9][A-Za-z0-9._-]*)+");
    private static final Map<String, String> TYPES = Map.of(".css", "text/css; charset=utf-8", ".js",
            "text/javascript; charset=utf-8", ".svg", "image/svg+xml", ".png", "image/png");

    private final transient Site site;
    private final transient Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

    AssetServlet(Site site) {
        this.site = site;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI();
        String type = type(path);
        Optional<byte[]> body = type == null || !SAFE.matcher(path).matches() || path.contains("..")
                ? Optional.empty() : cached(path);
        if (body.isEmpty()) {
            Responses.error(resp, site, null, 404, "There is no file at " + path + ".");
            return;
        }
        resp.setContentType(type);
        // WebJar paths carry their version: they never change; the console's own files may change with an upgrade
        resp.setHeader("Cache-Control", path.startsWith("/webjars/") ? "public, max-age=86400, immutable" : "no-cache");
        resp.setContentLength(body.get().length);
        resp.getOutputStream().write(body.get());
    }

    /** Files found are kept; misses are not, so requests for made-up paths cannot fill memory. */
    private Optional<byte[]> cached(String path) {
        Optional<byte[]> hit = cache.get(path);
        if (hit != null) {
            return hit;
        }
        Optional<byte[]> loaded = load(path);
        loaded.ifPresent(b -> cache.put(path, loaded));
        return loaded;
    }

    private static String type(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : TYPES.get(path.substring(dot));
    }

    private static Optional<byte[]> load(String path) {
        String resource = path.startsWith("/webjars/") ? "/META-INF/resources" + path
                : path.startsWith("/assets/") ? "/org/understudy/web" + path : null;
        if (resource == null) {
            return Optional.empty();
        }
        try (InputStream in = AssetServlet.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
