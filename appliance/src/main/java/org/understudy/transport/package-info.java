/**
 * Datagram transports under the heartbeats: {@link org.understudy.transport.DatagramTransport} with a real UDP
 * implementation ({@link org.understudy.transport.UdpTransport}), an in-memory network for deterministic tests
 * ({@link org.understudy.transport.InMemoryNetwork}) and a fault decorator a test switches on and off
 * ({@link org.understudy.transport.FaultyTransport}: drop all or with a seeded probability, delay, cut one direction,
 * corrupt, duplicate). {@link org.understudy.transport.Scheduler} is the injected time source for periodic work;
 * {@link org.understudy.transport.ExecutorScheduler} is the production one.
 *
 * <p>May use: the JDK and Log4j only.
 */
package org.understudy.transport;
