package org.understudy.config;

import java.util.List;
import java.util.Optional;

/**
 * The SNMP part of the secrets file: SNMPv3 USM users (authPriv, SHA-256 and AES-128) and an optional SNMPv2c
 * read-only community. Immutable; {@link #toString()} never shows a secret.
 *
 * @param community v2c read-only community, or null when v2c is not served
 */
public record SnmpSecrets(String community, List<SnmpUser> users) {
    /** No users, no community: an agent would answer nobody. */
    public static final SnmpSecrets NONE = new SnmpSecrets(null, List.of());

    public SnmpSecrets {
        users = List.copyOf(users);
    }

    public Optional<SnmpUser> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return "SnmpSecrets[users=" + users.stream().map(SnmpUser::name).toList() + ", community=" + (community != null) + "]";
    }
}
