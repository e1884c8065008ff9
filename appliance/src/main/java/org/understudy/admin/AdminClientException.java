package org.understudy.admin;

import java.io.IOException;

/** An admin API call failed; the message is meant for the operator as is. */
public final class AdminClientException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public AdminClientException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status the node answered, or 0 when it could not be reached. */
    public int status() {
        return status;
    }

    /** True when the node did not answer at all (not running, wrong address, firewall). */
    public boolean unreachable() {
        return status == 0;
    }
}
