package org.understudy.installer.ssh;

import java.io.IOException;

/** The target's host key is unknown (and the operator did not consent to new keys) or differs from known_hosts. */
public final class HostKeyRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    public HostKeyRefusedException(String message) {
        super(message);
    }
}
