package org.understudy.command;

import org.understudy.model.ActorFace;

/**
 * Who asks for an operator action and through which face: an SNMP user, a JMX principal, a web login, the CLI's
 * admin token, or the node itself. {@code operator} says whether the face authenticated this actor for actions;
 * a read-only actor (SNMP read group, JMX monitor role) is refused by the command API.
 */
public record Actor(String name, ActorFace face, boolean operator) {
    /** The node acting on its own (automatic failover, scheduled verify). */
    public static Actor engine(String nodeName) {
        return new Actor(nodeName, ActorFace.ENGINE, true);
    }

    @Override
    public String toString() {
        return name + " via " + face.name().toLowerCase();
    }
}
