package org.understudy.admin;

/** Thrown by an {@link ApiHandler} to answer with a given HTTP status and message (e.g. 400 for a bad body). */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
