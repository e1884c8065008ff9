package org.understudy.model;

/** Alarm severity, in the order SNMP and the consoles show it. */
public enum Severity {
    WARNING,
    MINOR,
    MAJOR,
    CRITICAL
}
