package org.understudy.replication;

import java.io.IOException;

/**
 * The peer broke the replication protocol (garbage, bad CRC, truncated or oversized frame, sequence gap, bad
 * handshake). The connection it came from must be closed; nothing else is affected. The message is the logged reason.
 */
public class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
