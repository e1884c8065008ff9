package org.understudy.web.actions;

/** A request the console refuses before it reaches the command API, with the status and a message for a person. */
public final class BadInput extends Exception {
    private final int status;

    public BadInput(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
