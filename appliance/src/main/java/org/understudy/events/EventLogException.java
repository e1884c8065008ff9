package org.understudy.events;

/** The event log could not be opened, written or read; the message says which directory and what to do. */
public final class EventLogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EventLogException(String message) {
        super(message);
    }

    public EventLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
