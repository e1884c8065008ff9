package org.understudy.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.understudy.replication.HandshakeMessages.Challenge;
import org.understudy.replication.HandshakeMessages.Hello;
import org.understudy.replication.HandshakeMessages.Proof;

class HandshakeTest {
    private static final byte[] KEY = "the-right-cluster-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRONG = "a-wrong-cluster-key-0123456789abcdefgh".getBytes(StandardCharsets.US_ASCII);

    private static LinkAuthenticator auth(byte[] key) {
        return new LinkAuthenticator(key, new SecureRandom());
    }

    /** Messages pass through their wire encoding, as on a real link. */
    private static Hello wire(Hello h) throws ProtocolException {
        return Hello.decode(h.encode());
    }

    private static Challenge wire(Challenge c) throws ProtocolException {
        return Challenge.decode(c.encode());
    }

    private static Proof wire(Proof p) throws ProtocolException {
        return Proof.decode(p.encode());
    }

    @Test
    void sameKey_bothSidesAuthenticate_andNegotiateTheSmallerFrame() throws Exception {
        ClientHandshake c = new ClientHandshake(auth(KEY), "p1", "vol0", 1 << 30, 1 << 20);
        ServerHandshake s = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        Hello h = wire(c.hello());
        Proof p = c.onChallenge(wire(s.onHello(h)));
        s.onProof(wire(p));
        assertEquals(1 << 20, c.maxFrame());
        assertEquals(1 << 20, s.maxFrame());
        assertEquals("p1", s.hello().primary());
        assertEquals("vol0", s.hello().volume());
        assertEquals(1L << 30, s.hello().size());
        assertEquals("sb", c.standby());
    }

    @Test
    void primaryWithWrongKey_isRejectedByTheStandby() throws Exception {
        ServerHandshake s = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        ClientHandshake bad = new ClientHandshake(auth(WRONG), "p1", "vol0", 4096, 1 << 20);
        Challenge ch = wire(s.onHello(wire(bad.hello())));
        // the impostor cannot verify the standby; it sends a proof made with its own key anyway
        byte[] forged = auth(WRONG).prove(LinkAuthenticator.Role.PRIMARY, ch.nonce(), bad.hello().nonce(),
                new LinkAuthenticator.Transcript(1, ch.maxFrame(), "p1", "vol0", 4096));
        assertThrows(AuthenticationException.class, () -> s.onProof(new Proof(forged)));
        assertThrows(AuthenticationException.class, () -> bad.onChallenge(ch));
    }

    @Test
    void standbyWithWrongKey_isRejectedByThePrimary() throws Exception {
        ClientHandshake c = new ClientHandshake(auth(KEY), "p1", "vol0", 4096, 1 << 20);
        ServerHandshake impostor = new ServerHandshake(auth(WRONG), "sb", 4 << 20);
        Challenge ch = wire(impostor.onHello(wire(c.hello())));
        assertThrows(AuthenticationException.class, () -> c.onChallenge(ch));
    }

    @Test
    void reflectedStandbyProof_isRejectedAsAPrimaryProof() throws Exception {
        // an attacker without the key opens a link, receives the standby's proof and sends it straight back
        ServerHandshake s = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        ClientHandshake attacker = new ClientHandshake(auth(WRONG), "p1", "vol0", 4096, 1 << 20);
        Challenge ch = wire(s.onHello(wire(attacker.hello())));
        assertThrows(AuthenticationException.class, () -> s.onProof(new Proof(ch.proof())));
    }

    @Test
    void reflectionAcrossTwoSessions_isRejected() throws Exception {
        // session A: the attacker gets the standby's nonce NA. Session B: the attacker uses NA as its own nonce, so
        // the standby proves over NA — but under the standby label, which never verifies as the primary's proof in A.
        ServerHandshake a = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        Hello helloA = new Hello(FrameCodec.VERSION, FrameCodec.VERSION, 1 << 20, new byte[32], "p1", "vol0", 4096);
        Challenge chA = a.onHello(helloA);
        ServerHandshake b = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        Challenge chB = b.onHello(new Hello(FrameCodec.VERSION, FrameCodec.VERSION, 1 << 20, chA.nonce(), "p1", "vol0", 4096));
        assertThrows(AuthenticationException.class, () -> a.onProof(new Proof(chB.proof())));
    }

    @Test
    void unsupportedVersion_isRefused() {
        ServerHandshake s = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        assertThrows(ProtocolException.class, () -> s.onHello(new Hello(FrameCodec.VERSION + 1, FrameCodec.VERSION + 2, 1 << 20, new byte[32], "p1", "v", 1)));
    }
}
