package org.understudy.config;

/**
 * One SNMPv3 user of the secrets file (USM authPriv: HMAC-SHA-256 authentication, AES-128 privacy). Immutable;
 * {@link #toString()} never shows a password.
 *
 * @param operator true for the operator group (may SET the control objects), false for read-only
 */
public record SnmpUser(String name, String authPassword, String privPassword, boolean operator) {
    @Override
    public String toString() {
        return "SnmpUser[" + name + ", " + (operator ? "operator" : "read-only") + "]";
    }
}
