package org.understudy.replication;

import org.understudy.replication.HandshakeMessages.Challenge;
import org.understudy.replication.HandshakeMessages.Hello;
import org.understudy.replication.HandshakeMessages.Proof;
import org.understudy.replication.LinkAuthenticator.Role;
import org.understudy.replication.LinkAuthenticator.Transcript;

/**
 * The standby's half of the handshake as a pure state object: {@link #onHello(Hello)} returns the challenge (with the
 * standby's proof), {@link #onProof(Proof)} authenticates the primary. Whether the named primary and volume exist is
 * the caller's check, made only after authentication. One per connection; not thread-safe.
 */
public final class ServerHandshake {
    private final LinkAuthenticator auth;
    private final String standbyName;
    private final int maxFrameProposal;
    private final byte[] nonce;
    private Hello hello;
    private Transcript transcript;

    public ServerHandshake(LinkAuthenticator auth, String standbyName, int maxFrameProposal) {
        this.auth = auth;
        this.standbyName = standbyName;
        this.maxFrameProposal = maxFrameProposal;
        this.nonce = auth.newNonce();
    }

    public Challenge onHello(Hello h) throws ProtocolException {
        if (hello != null) {
            throw new ProtocolException("second HELLO");
        }
        int chosen = Math.min(FrameCodec.VERSION, h.maxVersion());
        if (chosen < Math.max(FrameCodec.MIN_VERSION, h.minVersion())) {
            throw new ProtocolException("primary speaks protocol versions " + h.minVersion() + ".." + h.maxVersion()
                    + ", we speak " + FrameCodec.MIN_VERSION + ".." + FrameCodec.VERSION);
        }
        if (h.size() <= 0) {
            throw new ProtocolException("volume size " + h.size() + " is not positive");
        }
        int maxFrame = FrameCodec.negotiateMaxFrame(maxFrameProposal, h.maxFrame());
        hello = h;
        transcript = new Transcript(chosen, maxFrame, h.primary(), h.volume(), h.size());
        return new Challenge(chosen, maxFrame, nonce.clone(), standbyName,
                auth.prove(Role.STANDBY, h.nonce(), nonce, transcript));
    }

    public void onProof(Proof p) throws ProtocolException {
        if (hello == null) {
            throw new ProtocolException("PROOF before HELLO");
        }
        if (!auth.verify(Role.PRIMARY, p.proof(), nonce, hello.nonce(), transcript)) {
            throw new AuthenticationException("primary '" + hello.primary() + "' failed to prove the cluster key");
        }
    }

    /** What the primary claimed in its HELLO (trustworthy only after {@link #onProof}). */
    public Hello hello() {
        return hello;
    }

    public int maxFrame() {
        return transcript.maxFrame();
    }

    /** The protocol version chosen for this link. */
    public int version() {
        return transcript.version();
    }
}
