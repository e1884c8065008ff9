package org.understudy.jmx;

import java.io.Serializable;
import java.security.Principal;
import org.understudy.config.JmxUser;

/**
 * The role a remote JMX login was granted, added to its Subject next to its {@link javax.management.remote.JMXPrincipal}
 * by {@link PasswordAuthenticator}. Immutable.
 */
public record RolePrincipal(JmxUser.Role role) implements Principal, Serializable {
    @Override
    public String getName() {
        return role.name().toLowerCase(java.util.Locale.ROOT);
    }
}
