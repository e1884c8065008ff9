/**
 * The replication link's wire protocol, shared by both ends: frames and their codec (CRC32C, sequence numbers,
 * negotiated maximum size), the versioned handshake with mutual authentication by the cluster key, identity
 * exchange and region digests for online verify. Pure codecs plus {@link org.understudy.replication.FrameChannel}.
 *
 * <p>May use: {@code resync/} (identities and bitmap summaries carried in the handshake), {@code transport/}
 * (the stream connections frames travel over).
 */
package org.understudy.replication;
