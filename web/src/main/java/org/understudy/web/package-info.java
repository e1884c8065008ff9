/**
 * The web face: {@link org.understudy.web.WebFace} decides whether a node has a console, and {@code WebConsole} wires
 * it (pages, live updates, actions, graphs) and Prometheus {@code /metrics} over the state model and the command API;
 * {@code Publisher} is its one thread.
 *
 * <p>May use: every package of this module, and from {@code appliance/} only {@code face/}, {@code model/},
 * {@code command/}, {@code config/} and {@code security/}.
 */
package org.understudy.web;
