package org.understudy.replica;

/**
 * Told of every valid frame a primary sends on any of its replication links: the health engine counts it as life on
 * the link path. Called on the link's thread for every frame, so it must be lock-free and quick.
 */
@FunctionalInterface
public interface LinkActivity {
    void heard(String primary);

    LinkActivity NONE = primary -> { };
}
