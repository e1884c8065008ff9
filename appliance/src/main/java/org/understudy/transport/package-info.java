/**
 * The transports under the engines, each with a real implementation, an in-memory one for deterministic tests and a
 * fault decorator a test switches on and off.
 * <ul>
 * <li>Datagrams for the heartbeats: {@link org.understudy.transport.DatagramTransport} over UDP
 *     ({@link org.understudy.transport.UdpTransport}), an in-memory network
 *     ({@link org.understudy.transport.InMemoryNetwork}) and {@link org.understudy.transport.FaultyTransport} (drop
 *     all or with a seeded probability, delay, cut one direction, corrupt, duplicate).</li>
 * <li>Byte streams for the replication link: {@link org.understudy.transport.StreamTransport} opening
 *     {@link org.understudy.transport.StreamConnection}s (a blocking {@code SocketChannel} reduced to scattering
 *     reads, gathering writes, {@code available} and close-from-any-thread), over TCP
 *     ({@link org.understudy.transport.TcpStreamTransport}, the socket's own calls and nothing more), in-memory pipes
 *     ({@link org.understudy.transport.InMemoryStreams}) and {@link org.understudy.transport.FaultyStreamTransport}
 *     (stall or delay one direction, corrupt a byte, close mid-frame, cut).</li>
 * </ul>
 * {@link org.understudy.transport.OutputBatch} lets a thread hold output back while it completes a batch of work (the
 * NBD replies of the writes one mirror ACK completes, or that an NBD reader completes from one read of requests) and
 * write it once at the batch's end.
 * {@link org.understudy.transport.Scheduler} is the injected time source for periodic work and timed faults;
 * {@link org.understudy.transport.ExecutorScheduler} is the production one.
 *
 * <p>May use: the JDK and Log4j only.
 */
package org.understudy.transport;
