/**
 * The pages, rendered on the server from one {@code ConsoleState}: overview, primary, graphs, events, login and
 * error, and the fragments live views replace. Every value goes through {@code html/}'s escaping.
 *
 * <p>May use: {@code html/}, {@code auth/} (the session), {@code actions/} (the forms, the jobs), the model.
 */
package org.understudy.web.pages;
