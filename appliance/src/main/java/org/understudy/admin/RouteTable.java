package org.understudy.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The admin API's {@code method + path -> handler} registry. Path patterns are literal segments and {@code {name}}
 * captures, e.g. {@code /api/commands/{name}}. Thread-safe: routes may be added while requests are served.
 */
final class RouteTable {
    /** One registered route. */
    record Route(String method, String pattern, String[] segments, AdminAccess.Level level, ApiHandler handler) {
    }

    /** The outcome of looking a request up: a route with its captures, or the methods the path does allow. */
    record Match(Route route, Map<String, String> params, List<String> allowed) {
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    void add(String method, String pattern, AdminAccess.Level level, ApiHandler handler) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("route pattern must start with '/': " + pattern);
        }
        for (Route r : routes) {
            if (r.method.equals(method) && r.pattern.equals(pattern)) {
                throw new IllegalArgumentException("route already registered: " + method + " " + pattern);
            }
        }
        routes.add(new Route(method, pattern, split(pattern), level, handler));
    }

    /** Every route as {@code METHOD pattern}. */
    List<String> describe() {
        return routes.stream().map(r -> r.method + " " + r.pattern).toList();
    }

    /** The route for {@code method path}; empty with {@code allowed} methods (maybe none) when there is none. */
    Match find(String method, String path) {
        String[] segs = split(path);
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Optional<Map<String, String>> params = match(r.segments, segs);
            if (params.isEmpty()) {
                continue;
            }
            if (r.method.equals(method)) {
                return new Match(r, params.get(), List.of());
            }
            allowed.add(r.method);
        }
        return new Match(null, Map.of(), List.copyOf(allowed));
    }

    private static Optional<Map<String, String>> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    private static String[] split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out.toArray(String[]::new);
    }
}
