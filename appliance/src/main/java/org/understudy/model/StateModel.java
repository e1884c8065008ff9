package org.understudy.model;

/**
 * The read side every face uses: an immutable snapshot of the node's state, built on demand from the engines.
 * Implementations are thread-safe.
 */
@FunctionalInterface
public interface StateModel {
    ClusterSnapshot snapshot();
}
