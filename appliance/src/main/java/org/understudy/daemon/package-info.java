/**
 * What both node roles share: {@link org.understudy.daemon.NodeRunner} (validate the cluster file, take the state
 * directory's {@link org.understudy.daemon.NodeLock}, start the role's {@link org.understudy.daemon.NodeEngine}, the
 * admin API and the management faces, stop in order), {@link org.understudy.daemon.NodeServices} (the node's alarms,
 * events, event log and refused-login record), the routes every node serves besides its role's (the installer's
 * deploy steps: {@link org.understudy.daemon.DeployStepRoutes}), the node's logging and options. The roles themselves are in
 * {@code primary/} and {@code standby/}.
 *
 * <p>May use: {@code admin/}, {@code alarm/}, {@code command/}, {@code config/}, {@code events/}, {@code face/},
 * {@code model/}, {@code security/}. Never a role or an engine.
 */
package org.understudy.daemon;
