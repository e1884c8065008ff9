package org.understudy.security;

import java.util.Objects;

/**
 * One refused authentication.
 *
 * @param face   where it was refused
 * @param source the peer's address without its port (failures are counted per address), e.g. {@code 127.0.0.1}
 * @param user   the user name tried, or empty when the credential names none (a token, a key); never a secret.
 *               Text a peer sent is cut to a bounded length and its control characters replaced.
 * @param reason why it was refused, for a person: {@code wrong password}, {@code unknown user}, {@code bad HMAC}
 */
public record AuthFailure(AuthFace face, String source, String user, String reason) {
    public AuthFailure {
        Objects.requireNonNull(face, "face");
        source = source == null || source.isBlank() ? "unknown" : clean(source, 64);
        user = user == null ? "" : clean(user, 64);
        reason = reason == null ? "" : clean(reason, 200);
    }

    /** What a peer sent is shown, never trusted: control characters become '?', and long text is cut. */
    private static String clean(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        if (s.length() > max) {
            b.append('…');
        }
        return b.toString();
    }
}
