/**
 * {@code understudy demo}: a whole cluster on this machine's loopback addresses (one standby, several primaries with
 * small file-backed volumes, each node a child JVM), for a first look and for the end-to-end tests.
 *
 * <p>May use: {@code admin/} (waits for the nodes), {@code cli/} (prints their status), {@code config/},
 * {@code daemon/} (the node lock), {@code model/}, {@code replica/}, {@code storage/}.
 */
package org.understudy.demo;
