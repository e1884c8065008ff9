/**
 * The one command API every face acts through: {@link org.understudy.command.Command} (a sealed set of operator
 * actions), {@link org.understudy.command.Actor} (who, through which face), {@link org.understudy.command.CommandApi}
 * (authorises, runs the role's {@link org.understudy.command.CommandHandler}, audits) and
 * {@link org.understudy.command.CommandResult}. "Command" here always means an operator's action; a program the node
 * runs is a script ({@code script/}).
 *
 * <p>May use: {@code model/}.
 */
package org.understudy.command;
