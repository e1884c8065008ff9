package org.understudy.web.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.web.auth.SessionStore;
import org.understudy.web.auth.WebSession;
import org.understudy.web.pages.Site;

/**
 * In front of every request: strict security headers (a Content-Security-Policy without inline script or style,
 * no framing, no sniffing, HSTS over HTTPS), a body size limit, the session check (pages send the browser to the
 * login, the rest answer 401), and on every state-changing request a same-origin check and the session's CSRF token.
 * A refused request gets a clear 4xx page and reaches nothing behind the guard.
 */
final class Guard extends HttpFilter {
    private static final Logger LOG = LogManager.getLogger(Guard.class);
    /** Largest request body accepted (forms are small). */
    static final int MAX_BODY = 16 * 1024;
    /** Largest refused body still read to its end so that the 413 page reaches the client. */
    private static final long DRAIN_LIMIT = 1024 * 1024;
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST");

    private final transient SessionStore sessions;
    private final transient Site site;
    private final boolean https;
    private final String cookieName;

    Guard(SessionStore sessions, Site site, boolean https) {
        this.sessions = sessions;
        this.site = site;
        this.https = https;
        this.cookieName = cookieName(https);
    }

    /**
     * Reads and drops a refused body that is not much over the limit, so the client gets the 413 page rather than a
     * connection reset: a socket closed with unread bytes in its receive buffer is reset by the kernel, and the reset
     * can reach the client before the response. A body far over the limit is not read; that connection is closed.
     */
    private static void drain(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getContentLengthLong() > DRAIN_LIMIT) {
            resp.setHeader("Connection", "close");
            return;
        }
        byte[] sink = new byte[8192];
        var in = req.getInputStream();
        while (in.read(sink) >= 0) {
            // dropped
        }
    }

    /** The session cookie's name: {@code __Host-} over HTTPS, so it is bound to this origin and always Secure. */
    static String cookieName(boolean https) {
        return https ? "__Host-understudy" : "understudy";
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        headers(resp);
        String path = req.getRequestURI();
        if (!METHODS.contains(req.getMethod())) {
            resp.setHeader("Allow", "GET, HEAD, POST");
            Responses.error(resp, site, null, 405, req.getMethod() + " is not used here");
            return;
        }
        if (req.getContentLengthLong() > MAX_BODY) {
            drain(req, resp);
            Responses.error(resp, site, null, 413, "The request body of " + req.getContentLengthLong()
                    + " bytes is over the " + MAX_BODY + "-byte limit.");
            return;
        }
        if (publicPath(path)) {
            if (req.getMethod().equals("POST") && !sameOrigin(req)) {
                refuse(req, resp, null, "it comes from another site (Origin " + req.getHeader("Origin") + ")");
                return;
            }
            chain.doFilter(req, resp);
            return;
        }
        Optional<WebSession> session = sessions.find(sessionId(req));
        if (session.isEmpty()) {
            if (req.getMethod().equals("GET") && !path.startsWith("/live") && !path.startsWith("/api/")) {
                String query = req.getQueryString();
                String next = path + (query == null ? "" : "?" + query);
                resp.setHeader("Location", "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
                resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
                return;
            }
            Responses.error(resp, site, null, 401, "Log in first: your session ended or never began.");
            return;
        }
        WebSession s = session.get();
        if (req.getMethod().equals("POST")) {
            if (!sameOrigin(req)) {
                refuse(req, resp, s, "it comes from another site (Origin " + req.getHeader("Origin") + ")");
                return;
            }
            String token = req.getHeader("X-CSRF-Token");
            if (token == null) {
                token = req.getParameter("csrf");
            }
            if (!s.csrfMatches(token)) {
                refuse(req, resp, s, token == null ? "it carries no CSRF token" : "its CSRF token is wrong");
                return;
            }
        }
        req.setAttribute(WebSession.ATTRIBUTE, s);
        chain.doFilter(req, resp);
    }

    private void refuse(HttpServletRequest req, HttpServletResponse resp, WebSession s, String why) throws IOException {
        LOG.warn("{}: web request {} {} from {}{} refused: {}", site.node(), req.getMethod(), req.getRequestURI(),
                req.getRemoteAddr(), s == null ? "" : " (session of " + s.user() + ")", why);
        Responses.error(resp, site, s, 403, "This request was refused: " + why + ". Reload the page and try again.");
    }

    private static boolean publicPath(String path) {
        return path.equals("/login") || path.startsWith("/assets/") || path.startsWith("/webjars/")
                || path.equals("/metrics") || path.equals("/favicon.ico");
    }

    /** A POST's Origin (or, without one, Referer) must be this very host and port; none at all is accepted. */
    private static boolean sameOrigin(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        if (origin == null || origin.equals("null")) {
            String referer = req.getHeader("Referer");
            if (referer == null) {
                return origin == null; // a client that sends neither (curl); the CSRF token still guards it
            }
            origin = referer;
        }
        try {
            URI u = URI.create(origin);
            String host = req.getServerName();
            return u.getScheme() != null && u.getScheme().equalsIgnoreCase(req.getScheme()) && u.getHost() != null
                    && u.getHost().equalsIgnoreCase(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                    && (u.getPort() == -1 ? defaultPort(u.getScheme()) : u.getPort()) == req.getServerPort();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int defaultPort(String scheme) {
        return scheme.equalsIgnoreCase("https") ? 443 : 80;
    }

    private String sessionId(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (c.getName().equals(cookieName)) {
                return c.getValue();
            }
        }
        return null;
    }

    private void headers(HttpServletResponse resp) {
        resp.setHeader("Content-Security-Policy", CSP);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Referrer-Policy", "same-origin");
        resp.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        resp.setHeader("Cross-Origin-Resource-Policy", "same-origin");
        resp.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        if (https) {
            resp.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
    }
}
