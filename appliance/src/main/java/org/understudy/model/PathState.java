package org.understudy.model;

/** Whether a path shows signs of life. */
public enum PathState {
    UP,
    /** Silent past its timeout. */
    DOWN
}
