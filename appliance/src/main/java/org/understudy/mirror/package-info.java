/**
 * The mirroring engine's primary side: {@link org.understudy.mirror.MirroredVolume} (a volume mirrored to the standby,
 * sync or async), its link lifecycle ({@link org.understudy.mirror.LinkKeeper},
 * {@link org.understudy.mirror.MirrorLink}, {@link org.understudy.mirror.LinkConnector}), its client I/O path
 * ({@link org.understudy.mirror.MirrorDataPath}), resync planning over the dirty bitmap, full sync, online verify,
 * the link test, and {@link org.understudy.mirror.ServedDevice}, the write path of a device served over NBD.
 *
 * <p>May use: {@code alarm/}, {@code config/}, {@code model/}, {@code replication/}, {@code resync/},
 * {@code storage/}, {@code transport/} (the streams its links run over, pooled direct buffers). Knows no role, no face and not the NBD
 * server (which reaches it through {@code storage.BlockDevice}).
 */
package org.understudy.mirror;
