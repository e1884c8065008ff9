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

    @Test
    void newPeers_settleOnVersion3_whichBothBindInTheTranscript() throws Exception {
        ClientHandshake c = new ClientHandshake(auth(KEY), "p1", "vol0", 4096, 1 << 20);
        ServerHandshake s = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        s.onProof(wire(c.onChallenge(wire(s.onHello(wire(c.hello()))))));
        assertEquals(3, s.version());
        assertEquals(3, c.version());
    }

    /** A primary of the previous release (protocol 2 only) is served at 2: it never sends a cut marker. */
    @Test
    void primarySpeakingOnly2_isAcceptedAt2() throws Exception {
        ServerHandshake s = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        Hello old = new Hello(2, 2, 1 << 20, new byte[HandshakeMessages.NONCE_SIZE], "p1", "vol0", 4096);
        assertEquals(2, wire(s.onHello(wire(old))).version());
        assertEquals(2, s.version());
    }

    /** A standby of the previous release chooses 2; the new primary accepts and sends no SNAPSHOT frame on it. */
    @Test
    void standbyChoosing2_isAccepted_butAVersionOutsideTheRangeIsRefused() throws Exception {
        ClientHandshake c = new ClientHandshake(auth(KEY), "p1", "vol0", 4096, 1 << 20);
        Hello h = c.hello();
        assertEquals(2, h.minVersion());
        assertEquals(3, h.maxVersion());
        ServerHandshake s = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        Challenge real = wire(s.onHello(wire(h)));
        // what an old standby would answer: its own proof over a transcript at version 2
        byte[] proof2 = auth(KEY).prove(LinkAuthenticator.Role.STANDBY, h.nonce(), real.nonce(),
                new LinkAuthenticator.Transcript(2, real.maxFrame(), "p1", "vol0", 4096));
        c.onChallenge(new Challenge(2, real.maxFrame(), real.nonce(), "sb", proof2));
        assertEquals(2, c.version());
        ClientHandshake c4 = new ClientHandshake(auth(KEY), "p1", "vol0", 4096, 1 << 20);
        assertThrows(ProtocolException.class, () -> c4.onChallenge(new Challenge(4, real.maxFrame(), real.nonce(),
                "sb", proof2)));
        ServerHandshake s1 = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        assertThrows(ProtocolException.class, () -> s1.onHello(new Hello(1, 1, 1 << 20,
                new byte[HandshakeMessages.NONCE_SIZE], "p1", "vol0", 4096)));
    }

    /** A version is bound in the transcript: a man in the middle that rewrites the choice breaks the proofs. */
    @Test
    void versionRewrittenInFlight_failsAuthentication() throws Exception {
        ClientHandshake c = new ClientHandshake(auth(KEY), "p1", "vol0", 4096, 1 << 20);
        ServerHandshake s = new ServerHandshake(auth(KEY), "sb", 4 << 20);
        Challenge real = wire(s.onHello(wire(c.hello())));
        assertThrows(AuthenticationException.class, () -> c.onChallenge(new Challenge(2, real.maxFrame(),
                real.nonce(), "sb", real.proof())));
    }
}
