/**
 * The console's HTTP side: Jetty with HTTPS (configured or self-signed keys), the guard in front of every request
 * (headers, session, CSRF, size), the login, the pages and actions, assets and error pages.
 *
 * <p>May use: {@code auth/}, {@code pages/}, {@code actions/}, {@code live/}, {@code metrics/}, {@code series/}.
 */
package org.understudy.web.server;
