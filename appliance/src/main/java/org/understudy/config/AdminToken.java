package org.understudy.config;

/**
 * One bearer token of the admin API from the secrets file, with its name (who the audit log says acted) and its role.
 * The cluster's {@code adminToken} is the operator token named {@link #ADMIN}; {@code adminTokens} adds more.
 * {@code toString} hides the token. Immutable.
 *
 * @param operator true: may run operator actions; false: read-only (status, events; every action refused)
 */
public record AdminToken(String name, String token, boolean operator) {
    /** The name of the secrets file's {@code adminToken}, the one the CLI sends. */
    public static final String ADMIN = "admin-token";

    /** {@code operator} or {@code read-only}, as the secrets file spells it. */
    public String role() {
        return operator ? "operator" : "read-only";
    }

    @Override
    public String toString() {
        return "AdminToken[" + name + ", " + role() + "]";
    }
}
