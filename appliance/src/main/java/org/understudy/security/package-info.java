/**
 * Refused authentications, from every face and port: {@link org.understudy.security.AuthFailures} is the one call a
 * face or an engine makes per refusal; {@link org.understudy.security.AuthFailureLog} aggregates them into
 * {@code AUTH_FAILURE} rows of the event log and raises {@code AUTH_FAILURES} above a rate.
 *
 * <p>May use: {@code alarm/}, {@code events/}, {@code model/}.
 */
package org.understudy.security;
