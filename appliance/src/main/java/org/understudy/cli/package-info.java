/**
 * The operator's command-line tools ({@code understudy status | events | failover | switchover | failback |
 * fence-clear | autoswitch | throttle | verify | link-test}), picocli commands that ask a node through
 * {@link org.understudy.admin.AdminClient} and print the answer for a person or as JSON. The commands that start a
 * node live with their role ({@code primary/}, {@code standby/}, {@code demo/}). Other modules add commands through
 * {@link org.understudy.cli.CliExtension} (the installer's {@code setup | install | upgrade | uninstall}).
 *
 * <p>May use: {@code admin/}, {@code config/}, {@code events/} (reading a stopped node's log), {@code model/};
 * picocli. Never an engine or a role.
 */
package org.understudy.cli;
