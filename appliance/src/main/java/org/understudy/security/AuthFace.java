package org.understudy.security;

import org.understudy.model.ActorFace;

/** Where an authentication was refused: every face and port that checks a credential. Immutable. */
public enum AuthFace {
    /** The admin JSON API (operator tokens, and the node credential on internal calls). */
    ADMIN_API("admin API", ActorFace.REST),
    /** The web console's login. */
    WEB("web console", ActorFace.WEB),
    /** The JMX connector's login. */
    JMX("JMX", ActorFace.JMX),
    /** The SNMP agent's user-based security (unknown user, wrong digest, decryption error). */
    SNMP("SNMP", ActorFace.SNMP),
    /** The replication link's handshake. */
    REPLICATION("replication link", ActorFace.ENGINE),
    /** A heartbeat datagram whose HMAC did not verify. */
    HEARTBEAT("heartbeat", ActorFace.ENGINE);

    private final String label;
    private final ActorFace actorFace;

    AuthFace(String label, ActorFace actorFace) {
        this.label = label;
        this.actorFace = actorFace;
    }

    /** How a person calls it: {@code admin API}, {@code JMX}. */
    public String label() {
        return label;
    }

    /** The event log's face column for it. */
    public ActorFace actorFace() {
        return actorFace;
    }
}
