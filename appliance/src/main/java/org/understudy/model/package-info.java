/**
 * The one state model every face reads: immutable snapshots ({@link org.understudy.model.ClusterSnapshot} and its
 * parts), the events engines publish ({@link org.understudy.model.ModelEvent} on an
 * {@link org.understudy.model.EventBus}), the alarm model ({@link org.understudy.model.Alarm},
 * {@link org.understudy.model.AlarmKind}, {@link org.understudy.model.AlarmSource}) and the event log's read side.
 * Faces depend on this package, never on an engine.
 *
 * <p>May use: {@code config/} (the mirror mode) and the JDK. Everything else may use it.
 */
package org.understudy.model;
