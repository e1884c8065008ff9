/**
 * Bytes on disk: {@link org.understudy.storage.BlockDevice} (what the NBD server serves and the mirror wraps),
 * {@link org.understudy.storage.FileBlockDevice}, durable file and directory syncs
 * ({@link org.understudy.storage.DurableFiles}) and directory removal ({@link org.understudy.storage.FileTrees}).
 *
 * <p>May use: the JDK and Log4j only.
 */
package org.understudy.storage;
