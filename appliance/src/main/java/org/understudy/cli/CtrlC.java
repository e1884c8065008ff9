package org.understudy.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Lets a command that runs until the operator stops it ({@code status --watch}, {@code events --follow}) end cleanly
 * on Ctrl-C: the first SIGINT sets {@link #pressed()} and interrupts the waiting thread, so the command leaves its
 * loop, restores the terminal and exits 0; a second SIGINT exits at once (130) as usual. Without this the JVM would
 * run its shutdown hooks in the middle of a redraw. One per command run; {@link #close()} puts the old handler back.
 */
final class CtrlC implements AutoCloseable {
    private static final Signal INT = new Signal("INT");

    private final Thread waiter;
    private volatile boolean pressed;
    private SignalHandler previous;

    private CtrlC(Thread waiter) {
        this.waiter = waiter;
    }

    /** Catches SIGINT for the calling thread until {@link #close()}. */
    static CtrlC install() {
        CtrlC c = new CtrlC(Thread.currentThread());
        try {
            c.previous = Signal.handle(INT, s -> c.onSignal());
        } catch (IllegalArgumentException | UnsupportedOperationException noSignals) {
            c.previous = null; // no SIGINT here (or the JVM owns it): Ctrl-C ends the JVM the ordinary way
        }
        return c;
    }

    private void onSignal() {
        if (pressed) {
            Runtime.getRuntime().halt(130);
        }
        pressed = true;
        waiter.interrupt();
    }

    boolean pressed() {
        return pressed;
    }

    /** Sleeps, returning false at once when Ctrl-C was pressed (before or during the wait). */
    boolean sleep(long millis) {
        if (pressed) {
            return false;
        }
        try {
            Thread.sleep(millis);
            return !pressed;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(INT, previous);
        }
        Thread.interrupted(); // a late signal must not leave the interrupt flag to whatever runs next
    }
}
