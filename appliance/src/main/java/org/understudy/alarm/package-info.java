/**
 * The one alarm model: {@link org.understudy.alarm.AlarmRegistry} holds the active alarms that engines raise and
 * clear; faces read it through {@link org.understudy.model.AlarmSource} so SNMP's alarm table, JMX notifications,
 * traps, the web console and the event log always agree.
 *
 * <p>May use: {@code model/}.
 */
package org.understudy.alarm;
