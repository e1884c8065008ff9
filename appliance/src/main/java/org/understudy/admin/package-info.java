/**
 * A node's admin JSON API, both ends: {@link org.understudy.admin.AdminServer} (the JDK's built-in HTTP server; who
 * may call what is {@link org.understudy.admin.AdminAccess}'s: operator tokens with roles, the node credential on
 * internal routes, refusals on record and slowed by {@link org.understudy.admin.SourceBackoff}; routes in a
 * {@link org.understudy.admin.RouteTable}; the command API as {@code POST /api/commands/NAME}, the event log as
 * {@code POST /api/events}) and
 * {@link org.understudy.admin.AdminClient}, which the CLI, the demo and the nodes themselves use to reach another
 * node. {@link org.understudy.admin.Json} is the one JSON configuration both ends share.
 *
 * <p>May use: {@code command/}, {@code config/}, {@code model/}, {@code security/}, {@code threads/}; the JDK's HTTP
 * server and Jackson. Knows no role and no engine: the roles register their own routes.
 */
package org.understudy.admin;
