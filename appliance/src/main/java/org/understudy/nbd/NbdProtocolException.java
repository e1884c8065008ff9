package org.understudy.nbd;

/**
 * Input that breaks the NBD protocol: wrong magic, truncated message, impossible length. The only exception the codecs
 * throw for bad bytes; the server logs its message and closes or rejects as the spec asks. Immutable.
 */
public final class NbdProtocolException extends Exception {
    public NbdProtocolException(String message) {
        super(message);
    }
}
