package org.understudy.health;

/** Receives the {@link HealthDetector}'s decisions. Called outside the detector's lock, from its tick or probe thread. */
@FunctionalInterface
public interface HealthListener {
    void onHealth(HealthEvent event);
}
