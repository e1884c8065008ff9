package org.understudy.replication;

/** The peer failed to prove knowledge of the cluster key (wrong key, replayed or reflected proof). */
public final class AuthenticationException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}
