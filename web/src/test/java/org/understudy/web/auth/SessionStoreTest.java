package org.understudy.web.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.understudy.config.WebUser;
import org.understudy.model.ActorFace;

/** Sessions end when idle, when too old, and at logout; their CSRF token and actor. */
class SessionStoreTest {
    private final AtomicLong now = new AtomicLong();
    private final SessionStore store = new SessionStore(Duration.ofMinutes(30), now::get, new SecureRandom());

    @Test
    void idleSession_expires_activeOneLivesUntilMaxAge() {
        WebSession s = store.create("alice", WebUser.Role.OPERATOR);
        now.addAndGet(Duration.ofMinutes(29).toNanos());
        assertTrue(store.find(s.id()).isPresent(), "a request restarts the idle time");
        now.addAndGet(Duration.ofMinutes(29).toNanos());
        assertTrue(store.live(s));
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        assertFalse(store.live(s), "31 minutes without a request");
        assertTrue(store.find(s.id()).isEmpty());
        WebSession busy = store.create("bob", WebUser.Role.MONITOR);
        for (int i = 0; i <= 12 * 3; i++) { // a request every 20 minutes, a little past 12 hours
            now.addAndGet(Duration.ofMinutes(20).toNanos());
            store.find(busy.id());
        }
        assertTrue(store.find(busy.id()).isEmpty(), "no session outlives " + SessionStore.MAX_AGE);
    }

    @Test
    void logout_endsTheSession_andTokensAreRandomAndChecked() {
        WebSession a = store.create("alice", WebUser.Role.OPERATOR);
        WebSession b = store.create("alice", WebUser.Role.OPERATOR);
        assertNotEquals(a.id(), b.id());
        assertNotEquals(a.csrf(), b.csrf());
        assertTrue(a.id().length() >= 43, "256 random bits");
        assertTrue(a.csrfMatches(a.csrf()));
        assertFalse(a.csrfMatches(b.csrf()));
        assertFalse(a.csrfMatches(null));
        store.invalidate(a.id());
        assertTrue(store.find(a.id()).isEmpty());
        assertEquals(1, store.size());
        assertEquals("alice via web", a.actor().toString());
        assertEquals(ActorFace.WEB, a.actor().face());
        assertTrue(a.actor().operator());
        assertFalse(store.create("bob", WebUser.Role.MONITOR).actor().operator(), "a monitor's actions are refused by the command API");
    }
}
