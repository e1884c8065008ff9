package org.understudy.cli;

/**
 * What the CLI knows about where its standard output goes. The launcher tests {@code [ -t 1 ]} and passes
 * {@code -Dunderstudy.tty=true} and the width ({@code understudy.columns}), so the JVM needs no console probing:
 * on a terminal the CLI redraws in place and draws progress bars; otherwise it prints plain lines that logs and
 * scripts can read. Immutable.
 */
record Terminal(boolean tty, int columns) {
    private static final String CLEAR_HOME = "\033[H\033[2J";
    private static final String CLEAR_LINE = "\r\033[2K";

    /** The terminal of this process, as the launcher described it. */
    static Terminal current() {
        int cols = Integer.getInteger("understudy.columns", 80);
        return new Terminal(Boolean.getBoolean("understudy.tty"), cols < 20 ? 80 : cols);
    }

    /** A whole screen: cleared and drawn from the top on a terminal, else the text after a blank line. */
    String redraw(String screen) {
        return tty ? CLEAR_HOME + screen : screen + System.lineSeparator();
    }

    /** What to print once a redrawn view ends (a terminal keeps the last screen and gets a new line). */
    String leave() {
        return tty ? System.lineSeparator() : "";
    }

    /** A line that the next one overwrites on a terminal (a progress bar); null elsewhere, where bars are left out. */
    String transientLine(String line) {
        if (!tty) {
            return null;
        }
        return CLEAR_LINE + (line.length() > columns - 1 ? line.substring(0, columns - 1) : line);
    }

    /** Clears a transient line before an ordinary one is printed. */
    String clearTransient() {
        return tty ? CLEAR_LINE : "";
    }
}
