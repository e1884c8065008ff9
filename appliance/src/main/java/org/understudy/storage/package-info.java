/**
 * Bytes on disk: {@link org.understudy.storage.BlockDevice} (what the NBD server serves and the mirror wraps),
 * {@link org.understudy.storage.FileBlockDevice}, writes through the page cache in pieces that keep its folios small
 * ({@link org.understudy.storage.PageCacheWrites}, which the standby's replica images use too), durable file and directory syncs
 * ({@link org.understudy.storage.DurableFiles}) and directory removal ({@link org.understudy.storage.FileTrees}).
 *
 * <p>May use: the JDK and Log4j only.
 */
package org.understudy.storage;
