/**
 * Threads: for long-lived workers that block in the kernel ({@link org.understudy.threads.BlockingThreads}: a
 * bounded number of platform threads, the rest virtual), and for short tasks that come now and then
 * ({@link org.understudy.threads.ElasticPool}: threads made when needed up to a cap, none kept when idle).
 *
 * <p>May use: the JDK only.
 */
package org.understudy.threads;
