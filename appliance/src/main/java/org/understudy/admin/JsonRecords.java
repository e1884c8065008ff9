package org.understudy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON tree into the model's records the way {@link Json#mapper()} does (components by name, unknown fields
 * ignored, a missing field as null or 0, enums by name, instants and durations as ISO-8601 strings) for the types the
 * model uses: records, enums, lists, strings, numbers, booleans, {@link Instant} and {@link Duration}. It exists for
 * the CLI's start-up: a client command lives a fraction of a second, and Jackson's databind spends a quarter of a
 * second building its deserializers for the status's two dozen record types before it reads the first field; this
 * walks the tree with the records' canonical constructors. Stateless.
 */
public final class JsonRecords {
    private JsonRecords() {
    }

    /**
     * {@code node} as a {@code type}.
     *
     * @throws IllegalArgumentException when the tree does not fit the type (a value of the wrong kind, an unknown
     *                                  enum constant, a bad instant) or the type is not one of the model's kinds
     */
    public static <T> T read(JsonNode node, Class<T> type) {
        return type.cast(value(node, type, type.getSimpleName()));
    }

    private static Object value(JsonNode n, Type type, String where) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (n == null || n.isNull() || n.isMissingNode()) {
            return raw.isPrimitive() ? zero(raw) : null;
        }
        if (raw == String.class) {
            return n.isValueNode() ? n.asText() : fail(where, "a string", n);
        }
        if (raw == long.class || raw == Long.class) {
            return n.isNumber() || n.isTextual() ? n.asLong() : fail(where, "a number", n);
        }
        if (raw == int.class || raw == Integer.class) {
            return n.isNumber() || n.isTextual() ? n.asInt() : fail(where, "a number", n);
        }
        if (raw == double.class || raw == Double.class) {
            return n.isNumber() || n.isTextual() ? n.asDouble() : fail(where, "a number", n);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return n.isBoolean() || n.isTextual() ? n.asBoolean() : fail(where, "a boolean", n);
        }
        if (raw == Instant.class) {
            try {
                return Instant.parse(n.asText());
            } catch (RuntimeException e) {
                return fail(where, "an ISO-8601 instant", n);
            }
        }
        if (raw == Duration.class) {
            try {
                return n.isNumber() ? Duration.ofNanos(Math.round(n.asDouble() * 1e9)) : Duration.parse(n.asText());
            } catch (RuntimeException e) {
                return fail(where, "an ISO-8601 duration", n);
            }
        }
        if (raw.isEnum()) {
            for (Object c : raw.getEnumConstants()) {
                if (((Enum<?>) c).name().equals(n.asText())) {
                    return c;
                }
            }
            return fail(where, "one of " + List.of(raw.getEnumConstants()), n);
        }
        if (raw == List.class && type instanceof ParameterizedType p) {
            if (!n.isArray()) {
                return fail(where, "an array", n);
            }
            List<Object> list = new ArrayList<>(n.size());
            for (int i = 0; i < n.size(); i++) {
                list.add(value(n.get(i), p.getActualTypeArguments()[0], where + "[" + i + "]"));
            }
            return list;
        }
        if (raw.isRecord()) {
            return record(n, raw, where);
        }
        throw new IllegalArgumentException(where + ": " + type.getTypeName() + " is not a kind of value the model has");
    }

    private static Object record(JsonNode n, Class<?> type, String where) {
        if (!n.isObject()) {
            return fail(where, "an object", n);
        }
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            args[i] = value(n.get(c.getName()), c.getGenericType(), where + "." + c.getName());
        }
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(args);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(where + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(where + ": cannot make a " + type.getSimpleName() + ": " + e, e);
        }
    }

    private static Object zero(Class<?> primitive) {
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == double.class) {
            return 0.0;
        }
        if (primitive == int.class) {
            return 0;
        }
        return 0L;
    }

    private static Object fail(String where, String expected, JsonNode got) {
        String text = got.toString();
        throw new IllegalArgumentException(where + ": expected " + expected + ", got "
                + (text.length() > 60 ? text.substring(0, 60) + "..." : text));
    }
}
