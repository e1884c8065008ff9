package org.understudy.events;

/**
 * The process tests on the file log: every row whose commit was reported survives SIGKILL of the writer mid-insert
 * (a torn batch is cut at the next open), and throughput. The Derby-only tests are overridden without {@code @Test}.
 */
class FileEventLogIT extends StoredEventLogIT {
    @Override
    EventLogFormat format() {
        return EventLogFormat.FILE;
    }

    @Override
    void derbyLog_goesToTheStateDirectory_notTheWorkingDirectory() {
        // Derby only
    }

    @Override
    void open_whileAnotherProcessHoldsIt_failsNamingTheDirectory() {
        // Derby only: the node's state-directory lock keeps a second writer from a file log
    }
}
