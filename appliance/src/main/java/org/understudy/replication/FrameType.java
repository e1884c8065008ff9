package org.understudy.replication;

/**
 * Every kind of frame on a replication link, with its one-byte wire code. Adding a type means adding a constant here
 * (with an unused code) and handling it at both ends; the codec learns it automatically. Immutable.
 */
public enum FrameType {
    /** Primary → standby: protocol versions, frame-size proposal, nonce, primary and volume names, volume size. */
    HELLO(1, Direction.TO_STANDBY, false),
    /** Standby → primary: chosen version, negotiated frame size, nonce, the standby's proof over the primary's nonce. */
    CHALLENGE(2, Direction.TO_PRIMARY, false),
    /** Primary → standby: the primary's proof over the standby's nonce. */
    PROOF(3, Direction.TO_STANDBY, false),
    /** Standby → primary: handshake accepted, with what the standby knows of its replica (consistent, fresh). */
    WELCOME(4, Direction.TO_PRIMARY, false),
    /**
     * Either way, once, right after WELCOME (protocol 2): the sender's {@link IdentityMessage} (generations, epoch,
     * dirty-bitmap figure), so the primary can decide what to resync and the standby can refuse an older epoch.
     */
    IDENTITY(5, Direction.BOTH, false),
    /** Data at {@code offset}; the payload is the data, {@code length} equals the payload length. */
    WRITE(16, Direction.TO_STANDBY, true),
    /** {@code length} bytes of zeros at {@code offset}; no payload (TRIM, WRITE_ZEROES, all-zero sync chunks). */
    ZERO(17, Direction.TO_STANDBY, true),
    /** Make every earlier frame durable before acknowledging this one. */
    FLUSH(18, Direction.TO_STANDBY, true),
    /** A full sync starts: the standby marks the replica inconsistent, durably, before applying anything after it. */
    SYNC_BEGIN(19, Direction.TO_STANDBY, true),
    /** The full sync is complete: the standby forces the replica and marks it consistent before acknowledging. */
    SYNC_END(20, Direction.TO_STANDBY, true),
    /** Nothing to apply; proves the link is alive (acknowledged like any other sequenced frame). */
    KEEPALIVE(21, Direction.TO_STANDBY, true),
    /**
     * Read {@code length} bytes of the replica at {@code offset} (read blocker off: the primary's local read failed).
     * Sequenced, so it sees every write queued before it; answered by READ_DATA, then acknowledged like any frame.
     */
    READ(22, Direction.TO_STANDBY, true),
    /**
     * CRC32C of every region of {@code [offset, offset+length)}; the payload is the 4-byte region size. Sequenced, so
     * the digest is of the replica exactly as of this point of the write stream (online verify). Answered by
     * DIGEST_DATA.
     */
    DIGEST(23, Direction.TO_STANDBY, true),
    /** Payload to be acknowledged and discarded: the link test measures throughput with it. */
    PROBE(24, Direction.TO_STANDBY, true),
    /**
     * A cut of the primary's write stream (protocol 3 and later): {@code offset} names the cut, no payload. The
     * primary queues one on every volume's link while it holds new writes for an instant, so on every link the same
     * writes come before it; the standby takes the replica's member of that snapshot when it applies the frame, in
     * stream order (acknowledged like any frame).
     */
    SNAPSHOT(25, Direction.TO_STANDBY, true),
    /** Standby → primary: the data a READ asked for; {@code seq} is the READ's, the payload the bytes. */
    READ_DATA(33, Direction.TO_PRIMARY, false),
    /** Standby → primary: the CRC32Cs a DIGEST asked for, 4 bytes per region; {@code seq} is the DIGEST's. */
    DIGEST_DATA(34, Direction.TO_PRIMARY, false),
    /** Standby → primary: every frame up to {@code seq} is applied; flag {@link FrameFlags#DURABLE} if also forced. */
    ACK(32, Direction.TO_PRIMARY, false),
    /** Either way: the sender is closing the link; the payload is the reason in UTF-8. */
    ERROR(48, Direction.BOTH, false);

    /** Which end may send a frame type. */
    public enum Direction { TO_STANDBY, TO_PRIMARY, BOTH }

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            if (BY_CODE[t.code] != null) {
                throw new ExceptionInInitializerError("duplicate frame code " + t.code);
            }
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Direction direction;
    private final boolean sequenced;

    FrameType(int code, Direction direction, boolean sequenced) {
        this.code = code;
        this.direction = direction;
        this.sequenced = sequenced;
    }

    /** The wire code (0..255). */
    public int code() {
        return code;
    }

    public Direction direction() {
        return direction;
    }

    /** Whether the frame takes the next sequence number of the data stream and is covered by cumulative ACKs. */
    public boolean sequenced() {
        return sequenced;
    }

    /** The type with wire code {@code code}, or {@code null} when the code is unknown. */
    public static FrameType byCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
