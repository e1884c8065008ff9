/**
 * The NBD protocol: {@link org.understudy.nbd.NbdServer} (fixed newstyle handshake, structured options, out-of-order
 * replies) serving {@link org.understudy.storage.BlockDevice}s by export name, its pure codecs, and
 * {@link org.understudy.nbd.NbdClient}, the handshake client the health probe uses.
 *
 * <p>May use: {@code storage/}, {@code transport/} (its pool of direct buffers, and the output batch a mirror link's
 * ACK reader opens, in which write replies are held).
 */
package org.understudy.nbd;
