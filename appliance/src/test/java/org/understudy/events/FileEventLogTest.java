package org.understudy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;

/**
 * Every behaviour test of {@link StoredEventLogTest} on the file log, plus its crash safety: a torn or garbage tail is
 * cut on open and the rows before it survive; ids are never reused; the offline reader; rows moved over from Derby.
 */
class FileEventLogTest extends StoredEventLogTest {
    @Override
    EventLogFormat format() {
        return EventLogFormat.FILE;
    }

    private Path file() {
        return stateDir.resolve(FileEventStore.FILE_NAME);
    }

    private void threeRowsThenClose() {
        open(Retention.UNLIMITED);
        for (int i = 1; i <= 3; i++) {
            log.appendSync(row(EventKind.NODE, "p1", "row " + i));
        }
        log.close();
        log = null;
    }

    private void appendBytes(byte[] bytes) throws IOException {
        Files.write(file(), bytes, StandardOpenOption.APPEND);
    }

    @Test
    void tornTail_isCutOnOpen_earlierRowsSurvive_andWritingGoesOn() throws IOException {
        threeRowsThenClose();
        long whole = Files.size(file());
        // a frame cut short by a crash: its length says 300 bytes, 20 are there
        appendBytes(ByteBuffer.allocate(28).putInt(300).putInt(12345).array());
        open(Retention.UNLIMITED);
        assertEquals(whole, Files.size(file()), "the torn frame is cut");
        assertEquals(List.of("row 3", "row 2", "row 1"), messages(EventQuery.all()));
        long id = log.appendSync(row(EventKind.NODE, "p1", "row 4"));
        assertEquals(4, id);
        log.close();
        open(Retention.UNLIMITED);
        assertEquals(List.of("row 4", "row 3", "row 2", "row 1"), messages(EventQuery.all()));
    }

    @Test
    void garbageTail_andABadCrc_areCut_earlierRowsSurvive() throws IOException {
        threeRowsThenClose();
        long size = Files.size(file());
        // damage the last frame's last byte: its CRC no longer matches
        try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xEE}), size - 1);
        }
        appendBytes("garbage that is not a frame at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        open(Retention.UNLIMITED);
        assertEquals(List.of("row 2", "row 1"), messages(EventQuery.all()));
        assertEquals(2, log.count());
        assertTrue(Files.size(file()) < size);
    }

    @Test
    void ids_areNeverReused_evenWhenRetentionDeletedEveryRow() {
        open(new Retention(null, 1));
        log.appendSync(row(EventKind.NODE, null, "a"));
        long last = log.appendSync(row(EventKind.NODE, null, "b"));
        assertEquals(1, log.applyRetention());
        log.close();
        open(Retention.UNLIMITED);
        assertEquals(last + 1, log.appendSync(row(EventKind.NODE, null, "c")));
    }

    @Test
    void offlineReader_readsTheFile_andLeavesATornTailAlone() throws IOException {
        threeRowsThenClose();
        appendBytes(new byte[] {0, 0, 1});
        long size = Files.size(file());
        try (OfflineEventReader reader = OfflineEventReader.open(stateDir)) {
            assertEquals(3, reader.query(EventQuery.all()).size());
            assertEquals(List.of("row 2"), reader.query(EventQuery.all().beforeId(3).limit(1)).stream()
                    .map(EventEntry::message).toList());
        }
        assertEquals(size, Files.size(file()), "a reader never writes");
    }

    @Test
    void aDerbyLog_isMovedIntoTheFile_withItsIds() {
        log = StoredEventLog.open(stateDir, EventLogFormat.DERBY, Retention.UNLIMITED, clock, manual);
        log.appendSync(row(EventKind.NODE, "p1", "in derby 1"));
        long id = log.appendSync(row(EventKind.LINK, "p1", "in derby 2"));
        log.close();
        open(Retention.UNLIMITED);
        assertEquals(List.of("in derby 2", "in derby 1"), messages(EventQuery.all()));
        assertEquals(id, log.query(EventQuery.all()).get(0).id());
        assertEquals(id + 1, log.appendSync(row(EventKind.NODE, "p1", "in the file")));
        assertFalse(Files.exists(stateDir.resolve(StoredEventLog.DB_DIR)));
        assertTrue(Files.isDirectory(stateDir.resolve(StoredEventLog.MIGRATED_DIR)));
    }

    @Test
    void open_onAFileThatIsNotALog_failsNamingIt() throws IOException {
        Files.writeString(file(), "#!/bin/sh\necho this is not an event log\n");
        EventLogException e = assertThrows(EventLogException.class, () -> open(Retention.UNLIMITED));
        assertTrue(e.getMessage().contains(file().toAbsolutePath().toString()), e.getMessage());
        log = null;
    }

    @Override
    void derbyLog_isDirectedIntoAStateDirectory_notTheWorkingDirectory() {
        // Derby only
    }

    @Override
    void open_onAFileWhereTheDatabaseShouldBe_failsNamingTheDirectory() {
        // Derby only: see open_onAFileThatIsNotALog_failsNamingIt
    }

    @Override
    void open_onADamagedDatabase_failsNamingTheDirectory() {
        // Derby only: see garbageTail_andABadCrc_areCut_earlierRowsSurvive
    }
}
