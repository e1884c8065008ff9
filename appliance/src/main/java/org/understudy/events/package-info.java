/**
 * The node's durable event log (data safety rule 5): every state transition, alarm raise and clear, failover
 * timeline and operator action: on a standby in an embedded Apache Derby database in {@code <stateDir>/events}, on a
 * primary in the append-only file {@code <stateDir>/events.log} ({@code FileEventStore}: CRC-framed rows, forced per
 * batch, a torn tail dropped on open), which keeps Derby out of the primary's JVM ({@link
 * org.understudy.events.EventLogFormat}).
 *
 * <ul>
 *   <li>{@link org.understudy.events.EventLog} is the interface engines and faces hold;
 *       {@link org.understudy.events.StoredEventLog} implements it with a bounded queue, one writer thread and
 *       periodic retention.</li>
 *   <li>All SQL lives in the package-private {@code DerbyEventStore}, behind the {@code EventStore} seam: Derby is
 *       retired upstream, so replacing it means writing one class ({@code FileEventStore} is the other).</li>
 *   <li>{@code derby.log} goes to {@code <stateDir>/derby.log}: the store sets {@code derby.stream.error.file} (and
 *       {@code derby.system.home}) before Derby first boots in the JVM, unless the launcher set them. Derby reads
 *       them once per JVM, so the first state directory opened wins.</li>
 *   <li>Durability is Derby's default (log synced at every commit); never run with
 *       {@code derby.system.durability=test}.</li>
 *   <li>{@link org.understudy.events.EventLogRecorder} is the small API engines and the command API call; it knows
 *       no face.</li>
 * </ul>
 *
 * <p>May use: {@code model/}; Derby (only in {@code DerbyEventStore}), Jackson, Log4j.
 */
package org.understudy.events;
