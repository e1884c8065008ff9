package org.understudy.web.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.WebUser;
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.security.AuthFailures;
import org.understudy.web.auth.LoginThrottle;
import org.understudy.web.auth.Logins;
import org.understudy.web.auth.SessionStore;
import org.understudy.web.auth.WebSession;
import org.understudy.web.pages.Pages;
import org.understudy.web.pages.Site;

/**
 * {@code /login} and {@code /logout}. A refused login is recorded as an authentication failure (face, source
 * address, user tried) and slows its source down: until the wait is over, the next attempt is refused with 429
 * without looking at the password. The page never tells whether the user or the password was wrong.
 */
final class LoginServlet extends HttpServlet {
    private static final Logger LOG = LogManager.getLogger(LoginServlet.class);

    private final transient Site site;
    private final transient Logins logins;
    private final transient LoginThrottle throttle;
    private final transient SessionStore sessions;
    private final transient AuthFailures failures;
    private final boolean https;

    LoginServlet(Site site, Logins logins, LoginThrottle throttle, SessionStore sessions, AuthFailures failures,
                 boolean https) {
        this.site = site;
        this.logins = logins;
        this.throttle = throttle;
        this.sessions = sessions;
        this.failures = failures;
        this.https = https;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getRequestURI().equals("/logout")) {
            Responses.error(resp, site, null, 405, "Log out with the button on any page.");
            return;
        }
        Responses.html(resp, 200, Pages.login(site, null, safeNext(req.getParameter("next")), null));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getRequestURI().equals("/logout")) {
            logout(req, resp);
            return;
        }
        String source = req.getRemoteAddr();
        String user = req.getParameter("user");
        String next = safeNext(req.getParameter("next"));
        Duration wait = throttle.delay(source);
        if (!wait.isZero()) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            failures.record(new AuthFailure(AuthFace.WEB, source, user, "login attempt too soon after failures (wait "
                    + seconds + " s)"));
            resp.setHeader("Retry-After", Long.toString(seconds));
            Responses.html(resp, 429, Pages.login(site, "Too many failed logins from " + source + ": wait " + seconds
                    + " s before the next try.", next, user));
            return;
        }
        Logins.Outcome outcome = logins.check(user, req.getParameter("password"));
        if (outcome.user().isEmpty()) {
            LoginThrottle.Penalty p = throttle.failed(source);
            failures.record(new AuthFailure(AuthFace.WEB, source, user, outcome.refusal().reason()));
            LOG.info("{}: web login refused from {} ({} in a row; next attempt checked in {} ms)", site.node(), source,
                    p.failures(), p.delay().toMillis());
            Responses.html(resp, 401, Pages.login(site, "Wrong user name or password.", next, user));
            return;
        }
        throttle.succeeded(source);
        WebUser u = outcome.user().get();
        WebSession s = sessions.create(u.name(), u.role());
        LOG.info("{}: web login of {} ({}) from {}", site.node(), u.name(), u.role().name().toLowerCase(), source);
        resp.addHeader("Set-Cookie", cookie(s.id(), -1));
        resp.setHeader("Location", next);
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
    }

    private void logout(HttpServletRequest req, HttpServletResponse resp) {
        if (req.getAttribute(WebSession.ATTRIBUTE) instanceof WebSession s) {
            sessions.invalidate(s.id());
            LOG.info("{}: web logout of {}", site.node(), s.user());
        }
        resp.addHeader("Set-Cookie", cookie("", 0));
        resp.setHeader("Location", "/login");
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
    }

    /** The session cookie: HttpOnly, SameSite=Strict, and Secure over HTTPS (plain HTTP runs on loopback only). */
    String cookie(String value, int maxAge) {
        return Guard.cookieName(https) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "")
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "");
    }

    /** Where to go after the login: a path on this site only, never another site. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.length() > 512 || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return next;
    }
}
