package org.understudy.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards two of the project's layout rules, so they hold after every change rather than only when someone looks: no
 * main source file of any module reaches 500 lines (a class that grows is split along a seam with a name), and every
 * package of {@code appliance/} has a {@code package-info.java} saying what the room holds and what it may use.
 */
class RoomRulesTest {
    private static final int MAX_LINES = 500;
    private static final Path APPLIANCE_SOURCES = Path.of("src/main/java/org/understudy");

    @Test
    void mainSources_everyModule_under500Lines() throws IOException {
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> modules = Files.list(Path.of(".."))) {
            modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).forEach(roots::add);
        }
        assertTrue(roots.contains(Path.of("../appliance/src/main/java")),
                "expected the modules' sources, found " + roots);
        List<String> tooLong = new ArrayList<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    long lines;
                    try (Stream<String> s = Files.lines(f)) {
                        lines = s.count();
                    }
                    if (lines >= MAX_LINES) {
                        tooLong.add(f.normalize() + " (" + lines + " lines)");
                    }
                }
            }
        }
        assertEquals(List.of(), tooLong,
                "main source files of " + MAX_LINES + " lines or more: split them along a seam");
    }

    @Test
    void appliancePackages_eachHasPackageInfo() throws IOException {
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(APPLIANCE_SOURCES)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                boolean hasSources;
                try (Stream<Path> files = Files.list(d)) {
                    hasSources = files.anyMatch(f -> f.toString().endsWith(".java"));
                }
                if (hasSources && !Files.exists(d.resolve("package-info.java"))) {
                    missing.add(APPLIANCE_SOURCES.relativize(d).toString());
                }
            }
        }
        assertEquals(List.of(), missing, "packages without a package-info.java (what the room holds, what it may use)");
    }
}
