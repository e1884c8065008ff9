package org.understudy.replication;

import org.understudy.replication.HandshakeMessages.Challenge;
import org.understudy.replication.HandshakeMessages.Hello;
import org.understudy.replication.HandshakeMessages.Proof;
import org.understudy.replication.LinkAuthenticator.Role;
import org.understudy.replication.LinkAuthenticator.Transcript;

/**
 * The primary's half of the handshake as a pure state object: {@link #hello()}, then {@link #onChallenge(Challenge)}
 * which authenticates the standby and returns the primary's proof. One per connection attempt; not thread-safe.
 */
public final class ClientHandshake {
    private final LinkAuthenticator auth;
    private final String primary;
    private final String volume;
    private final long size;
    private final int maxFrameProposal;
    private final byte[] nonce;
    private Transcript transcript;
    private String standby;
    private int version;

    public ClientHandshake(LinkAuthenticator auth, String primary, String volume, long size, int maxFrameProposal) {
        this.auth = auth;
        this.primary = primary;
        this.volume = volume;
        this.size = size;
        this.maxFrameProposal = maxFrameProposal;
        this.nonce = auth.newNonce();
    }

    public Hello hello() {
        return new Hello(FrameCodec.MIN_VERSION, FrameCodec.VERSION, maxFrameProposal, nonce.clone(), primary, volume,
                size);
    }

    /** Checks the standby's answer and proof; returns the proof to send back. */
    public Proof onChallenge(Challenge c) throws ProtocolException {
        if (c.version() < FrameCodec.MIN_VERSION || c.version() > FrameCodec.VERSION) {
            throw new ProtocolException("standby chose protocol version " + c.version() + ", we speak "
                    + FrameCodec.MIN_VERSION + ".." + FrameCodec.VERSION);
        }
        int expectedMax = FrameCodec.negotiateMaxFrame(maxFrameProposal, c.maxFrame());
        if (c.maxFrame() != expectedMax) {
            throw new ProtocolException("standby negotiated max frame " + c.maxFrame() + ", expected " + expectedMax);
        }
        Transcript t = new Transcript(c.version(), c.maxFrame(), primary, volume, size);
        if (!auth.verify(Role.STANDBY, c.proof(), nonce, c.nonce(), t)) {
            throw new AuthenticationException("standby " + c.standby() + " failed to prove the cluster key");
        }
        transcript = t;
        standby = c.standby();
        version = c.version();
        return new Proof(auth.prove(Role.PRIMARY, c.nonce(), nonce, t));
    }

    /** The negotiated maximum payload per frame, once {@link #onChallenge} succeeded. */
    public int maxFrame() {
        return transcript.maxFrame();
    }

    public String standby() {
        return standby;
    }

    /** The protocol version the standby chose, once {@link #onChallenge} succeeded. */
    public int version() {
        return version;
    }
}
