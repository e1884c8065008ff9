package org.understudy.web.server;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.understudy.web.auth.WebSession;
import org.understudy.web.pages.Pages;
import org.understudy.web.pages.Site;

/** Writing pages and error pages. Stateless. */
final class Responses {
    private Responses() {
    }

    static void html(HttpServletResponse resp, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/html; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    static void json(HttpServletResponse resp, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(200);
        resp.setContentType("application/json; charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    /** A clear error page: what went wrong and nothing about the server. */
    static void error(HttpServletResponse resp, Site site, WebSession session, int status, String message) throws IOException {
        html(resp, status, Pages.error(site, session, status, title(status), message));
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Not logged in";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Request too large";
            case 429 -> "Too many attempts";
            case 503 -> "Unavailable";
            default -> status >= 500 ? "Server error" : "Error";
        };
    }
}
