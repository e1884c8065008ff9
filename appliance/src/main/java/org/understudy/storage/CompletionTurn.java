package org.understudy.storage;

import java.util.function.BooleanSupplier;

/**
 * A turn at reading the answers that complete a device's asynchronous writes, taken before a thread starts a write
 * with {@link BlockDevice#writeAsync} ({@link BlockDevice#takeCompletionTurn}) and ended right after it with {@link
 * #end}: a thread that then has nothing else to do waits for its own write's completion itself instead of leaving it
 * to another thread, one thread wake-up less per write at queue depth 1 (a mirrored volume: the reader of NBD requests
 * reads the standby's ACK instead of the link's ACK thread). Ending a turn never loses an answer: whatever it leaves
 * unread goes to the device's own completion thread.
 */
public interface CompletionTurn {

    /**
     * Ends the turn. With {@code wait} the calling thread reads and completes the device's answers (any caller's, as
     * the device's own thread would) until {@code done} says true or nothing is left unanswered; without, it leaves
     * them to the device at once. Never throws: a failure of the device's link is handled as its own thread would.
     */
    void end(boolean wait, BooleanSupplier done);
}
