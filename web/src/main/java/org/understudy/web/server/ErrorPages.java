package org.understudy.web.server;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.understudy.web.pages.Pages;
import org.understudy.web.pages.Site;

/**
 * Errors Jetty raises itself (a malformed URI, a form over the size limit, a path that leaves the app) get the
 * console's own error page with the same security headers: escaped text, no server name or version, no stack.
 */
final class ErrorPages extends ErrorHandler {
    private final Site site;

    ErrorPages(Site site) {
        this.site = site;
        setShowStacks(false);
        setShowCauses(false);
        setShowOrigin(false);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) {
        writePage(site, response, callback, code, message);
        return true;
    }

    /**
     * The same page for errors raised before a request reaches the servlet context (a URI that leaves the app, a
     * malformed request line): Jetty's server-level handler.
     */
    static org.eclipse.jetty.server.handler.ErrorHandler serverLevel(Site site) {
        return new org.eclipse.jetty.server.handler.ErrorHandler() {
            {
                setShowStacks(false);
                setShowCauses(false);
                setShowOrigin(false);
            }

            @Override
            protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                         String contentType, List<Charset> charsets, int code,
                                                         String message, Throwable cause) {
                writePage(site, response, callback, code, message);
                return true;
            }
        };
    }

    private static void writePage(Site site, Response response, Callback callback, int code, String message) {
        String text = code >= 500 ? "Something went wrong on this node; its log says what."
                : message == null || message.isBlank() ? Responses.title(code) : message;
        byte[] body = Pages.error(site, null, code, Responses.title(code), text).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        response.getHeaders().put("Content-Security-Policy", Guard.CSP);
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put("X-Frame-Options", "DENY");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
