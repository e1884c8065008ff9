/**
 * Threads for long-lived workers that block in the kernel ({@link org.understudy.threads.BlockingThreads}: a
 * bounded number of platform threads, the rest virtual).
 *
 * <p>May use: the JDK only.
 */
package org.understudy.threads;
