package org.understudy.config;


/**
 * One web console login from the secrets file: a name, the salted hash of its password (never the password) and a
 * role. Immutable.
 */
public record WebUser(String name, PasswordHash password, Role role) {
    /** What a web login may do. */
    public enum Role {
        /** Sees every page; no action controls, and any action it sends is refused. */
        MONITOR,
        /** Also runs the operator actions (switchover, failover...), each audited under the login's name. */
        OPERATOR
    }

    @Override
    public String toString() {
        return "WebUser[" + name + ", " + role + "]";
    }
}
