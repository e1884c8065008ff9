package org.understudy.jmx;

import java.security.Principal;
import javax.management.remote.JMXPrincipal;
import javax.security.auth.Subject;
import org.understudy.command.Actor;
import org.understudy.config.JmxUser;
import org.understudy.model.ActorFace;

/**
 * Who is calling a bean right now. The remote connector runs each call as the authenticated Subject, which holds
 * the login's {@link JMXPrincipal} and {@link RolePrincipal}. A call without a Subject comes from inside this JVM
 * (the local attach of {@code jconsole PID}, which only this node's OS user can make): it acts as that user.
 * Stateless.
 */
final class CurrentActor {
    private CurrentActor() {
    }

    static Actor get() {
        return of(Subject.current());
    }

    static Actor of(Subject subject) {
        if (subject == null) {
            return new Actor("local:" + System.getProperty("user.name", "unknown"), ActorFace.JMX, true);
        }
        String name = null;
        boolean operator = false;
        for (Principal p : subject.getPrincipals()) {
            if (p instanceof JMXPrincipal jp && name == null) {
                name = jp.getName();
            } else if (p instanceof RolePrincipal rp) {
                operator |= rp.role() == JmxUser.Role.OPERATOR;
            }
        }
        return new Actor(name == null ? "unknown" : name, ActorFace.JMX, operator);
    }
}
