/**
 * Understudy, an N+1 high-availability appliance: one standby mirrors every primary's volumes and stands in for a
 * failed one. {@link org.understudy.Main} is the launcher's entry point ({@code bin/understudy}); it only lists the
 * commands of the rooms below. Two build-time tools stand beside it:
 * {@link org.understudy.ManualWriter} (man pages and completion from the command model) and
 * {@link org.understudy.CdsTraining} (runs the client commands once so the distribution's class-data archive holds
 * what they load).
 *
 * <p>The rooms, from the top down (a room uses only rooms below it; {@code architecture/PackageCyclesTest} fails on
 * any cycle):
 * <ul>
 *   <li>roles: {@code primary/} and {@code standby/} (each a node and its commands), {@code demo/} (a cluster on
 *       loopback), all launched through {@code daemon/} (what both roles share: runner, services, lock, faces);</li>
 *   <li>operator tools: {@code cli/} over the admin client in {@code admin/};</li>
 *   <li>engines: {@code mirror/} and {@code replica/} (mirroring, both ends), {@code failover/}, {@code health/},
 *       {@code resync/} (bitmap, identities, throttles), {@code replication/} (the link's wire protocol),
 *       {@code nbd/};</li>
 *   <li>the one model the faces read and the one way they act: {@code model/}, {@code alarm/}, {@code command/},
 *       {@code events/}, {@code security/}, {@code face/} (what a face module such as {@code mib/} or {@code jmx/}
 *       is given);</li>
 *   <li>foundations: {@code config/}, {@code storage/}, {@code transport/}, {@code script/}.</li>
 * </ul>
 */
package org.understudy;
