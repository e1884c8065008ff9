/**
 * Scripts the node runs: {@link org.understudy.script.ScriptRunner} starts a program of the operator's (a probe
 * script, the fencing script, a failover hook) or of the system's ({@code ip addr}) with a timeout and keeps the start
 * of its output. "Script" or "hook" here, never "command": a command is an operator's action
 * ({@code org.understudy.command}).
 *
 * <p>May use: the JDK only.
 */
package org.understudy.script;
