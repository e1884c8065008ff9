/**
 * Refused authentications, from every face and port: {@link org.understudy.security.AuthFailures} is the one call a
 * face or an engine makes per refusal; {@link org.understudy.security.AuthFailureLog} aggregates them into
 * {@code AUTH_FAILURE} rows of the event log and raises {@code AUTH_FAILURES} above a rate. The node credential
 * ({@link org.understudy.security.NodeCredential}, replay-guarded by {@link org.understudy.security.NonceGuard}) signs
 * node-to-node calls with a key derived from the cluster key.
 *
 * <p>May use: {@code alarm/}, {@code events/}, {@code model/}.
 */
package org.understudy.security;
