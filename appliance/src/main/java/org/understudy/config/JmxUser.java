package org.understudy.config;

/**
 * One JMX login from the secrets file. {@code toString} hides the password. Immutable.
 *
 * @param role what the login may do: read only, or also invoke operations and set attributes
 */
public record JmxUser(String name, String password, Role role) {
    /** JMX access levels, as the JDK's jmxremote.access names them: readonly and readwrite. */
    public enum Role {
        /** Reads attributes and receives notifications; every operation is refused. */
        MONITOR,
        /** Also invokes operations (switchover, failover...), each audited with the user's name. */
        OPERATOR
    }

    @Override
    public String toString() {
        return "JmxUser[" + name + ", " + role + "]";
    }
}
