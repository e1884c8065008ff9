package org.understudy.replication;

/**
 * The peer ended the stream in the middle of a frame: a protocol error for the link, and also a close by the peer
 * (a process killed while it wrote), which failure detection takes as a fact.
 */
public final class TruncatedFrameException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public TruncatedFrameException(String message) {
        super(message);
    }
}
