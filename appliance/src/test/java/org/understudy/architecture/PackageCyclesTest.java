package org.understudy.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the layout of {@code appliance/}: no package imports another that imports it back, however long the way
 * round (a regression test for the cli ↔ daemon and demo knots). Reads the main sources' import lines and their
 * fully qualified uses of {@code org.understudy.X.Type} outside comments, so a cycle cannot hide behind a qualified
 * name.
 */
class PackageCyclesTest {
    private static final Path SOURCES = Path.of("src/main/java/org/understudy");
    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.understudy\\.([a-z]+)\\.[A-Z]");
    /** Block and line comments: a type named in javadoc is no dependency. */
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void appliancePackages_importNoCycle() throws IOException {
        Map<String, Set<String>> graph = packageGraph(SOURCES);
        assertTrue(graph.size() > 10, "expected the appliance's packages, found " + graph.keySet());
        List<List<String>> cycles = cycles(graph);
        assertEquals(List.of(), cycles, "package cycles in appliance/ (each a loop of imports)");
    }

    @Test
    void cycleFinder_findsALoopOfThree() {
        Map<String, Set<String>> g = new TreeMap<>(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"),
                "d", Set.of("a")));
        assertEquals(List.of(List.of("a", "b", "c", "a")), cycles(g));
    }

    /** Package (the first segment under org.understudy; top-level classes are "") to the packages it uses. */
    static Map<String, Set<String>> packageGraph(Path root) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = root.relativize(f);
                String pkg = rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
                Set<String> uses = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(COMMENT.matcher(Files.readString(f)).replaceAll(""));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        uses.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** One cycle per strongly connected tangle, each as the path that closes it; empty when there is none. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        List<List<String>> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            List<String> cycle = dfs(graph, start, path, new TreeSet<>(), done);
            if (cycle != null && found.stream().noneMatch(c -> Set.copyOf(c).equals(Set.copyOf(cycle)))) {
                found.add(cycle);
            }
        }
        return found;
    }

    private static List<String> dfs(Map<String, Set<String>> g, String node, Deque<String> path, Set<String> onPath,
                                    Set<String> done) {
        if (onPath.contains(node)) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String p : path.reversed()) {
                in |= p.equals(node);
                if (in) {
                    cycle.add(p);
                }
            }
            cycle.add(node);
            return cycle;
        }
        if (done.contains(node)) {
            return null;
        }
        path.push(node);
        onPath.add(node);
        for (String next : g.getOrDefault(node, Set.of())) {
            List<String> c = dfs(g, next, path, onPath, done);
            if (c != null) {
                return c;
            }
        }
        path.pop();
        onPath.remove(node);
        done.add(node);
        return null;
    }
}
