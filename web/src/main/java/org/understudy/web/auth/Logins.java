package org.understudy.web.auth;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.understudy.config.WebUser;
import org.understudy.config.PasswordHash;

/**
 * Checks a login against the users of the secrets file. An unknown user costs the same hashing as a known one, so
 * the time of a refusal does not tell whether the name exists. Immutable and thread-safe.
 */
public final class Logins {
    /** Longest user name or password looked at; longer input is refused without hashing it. */
    static final int MAX_INPUT = 256;

    private final Map<String, WebUser> users;
    private final PasswordHash nobody;

    public Logins(List<WebUser> users) {
        this.users = users.stream().collect(Collectors.toUnmodifiableMap(WebUser::name, Function.identity()));
        int rounds = users.stream().mapToInt(u -> u.password().iterations()).max().orElse(PasswordHash.MIN_ITERATIONS);
        this.nobody = PasswordHash.create("no such user".toCharArray(), new SecureRandom(), rounds);
    }

    /** Why a login was refused, for the event log (the page says only "wrong user name or password"). */
    public enum Refusal {
        UNKNOWN_USER("unknown user"), WRONG_PASSWORD("wrong password"), EMPTY("no user name or password"),
        TOO_LONG("user name or password too long");

        private final String reason;

        Refusal(String reason) {
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** The outcome: the user when the password matched, else why not. */
    public record Outcome(Optional<WebUser> user, Refusal refusal) {
    }

    public Outcome check(String name, String password) {
        if (name == null || password == null || name.isEmpty() || password.isEmpty()) {
            return new Outcome(Optional.empty(), Refusal.EMPTY);
        }
        if (name.length() > MAX_INPUT || password.length() > MAX_INPUT) {
            return new Outcome(Optional.empty(), Refusal.TOO_LONG);
        }
        WebUser u = users.get(name);
        PasswordHash h = u == null ? nobody : u.password();
        boolean match = h.matches(password.toCharArray());
        if (u == null) {
            return new Outcome(Optional.empty(), Refusal.UNKNOWN_USER);
        }
        return match ? new Outcome(Optional.of(u), null) : new Outcome(Optional.empty(), Refusal.WRONG_PASSWORD);
    }
}
