package org.understudy.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped conf/log4j2.yaml: a file appender only when understudy.logDir is set, so CLI commands write no files. */
class LogConfigTest {
    private static final Path CONFIG = Path.of(System.getProperty("understudy.conf", "../conf"), "log4j2.yaml");

    @TempDir
    Path dir;
    private LoggerContext ctx;

    @AfterEach
    void tearDown() {
        System.clearProperty("understudy.logDir");
        if (ctx != null) {
            Configurator.shutdown(ctx);
        }
    }

    @Test
    void withoutLogDir_consoleOnly_noFiles() throws Exception {
        ctx = Configurator.initialize("no-dir", null, CONFIG.toUri());
        assertEquals(Set.of("console"), ctx.getConfiguration().getAppenders().keySet());
        assertEquals(Set.of("console"), ctx.getConfiguration().getRootLogger().getAppenders().keySet());
    }

    @Test
    void withLogDir_rollingFileWritten() throws Exception {
        System.setProperty("understudy.logDir", dir.toString());
        ctx = Configurator.initialize("with-dir", null, CONFIG.toUri());
        assertEquals(Set.of("console", "file"), ctx.getConfiguration().getAppenders().keySet());
        assertTrue(ctx.getConfiguration().getRootLogger().getAppenders().containsKey("file"));
        ctx.getLogger("org.understudy.Test").warn("standby: written to the file");
        Configurator.shutdown(ctx);
        ctx = null;
        String text = Files.readString(dir.resolve("understudy.log"));
        assertTrue(text.contains("WARN  [") && text.contains("standby: written to the file"), text);
        assertFalse(text.isBlank());
    }
}
