/**
 * Logins and sessions: password checks against the secrets file's hashes, the per-source slow-down of failed
 * logins, sessions with their CSRF token and expiry.
 *
 * <p>May use: {@code config/} (the users), {@code command/} (a session's actor), the model.
 */
package org.understudy.web.auth;
