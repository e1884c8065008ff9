package org.understudy.model;

/** Through which face an operator action arrived, or {@link #ENGINE} when the node acted on its own. Immutable. */
public enum ActorFace {
    CLI, REST, SNMP, JMX, WEB, ENGINE
}
