package org.understudy.storage;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Gives ranges of a file back to the file system while the file keeps its size: Linux {@code fallocate(fd,
 * FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length)}; the range then reads as zeros and takes no room. The
 * JDK has no call for it; its foreign function API does, final since Java 22. Understudy is built for Java 21, where
 * that API is a preview, so it is reached by reflection: on a runtime without it, or off Linux, {@link #available()}
 * is false and callers do without. Thread-safe (stateless after the look-up).
 */
public final class HolePunch {
    private static final Logger LOG = LogManager.getLogger(HolePunch.class);
    private static final int O_WRONLY = 1;
    private static final int PUNCH_HOLE_KEEP_SIZE = 0x02 | 0x01;
    private static final Native NATIVE = lookUp();

    private HolePunch() {
    }

    private record Native(MethodHandle open, MethodHandle fallocate, MethodHandle close, Method ofConfined,
                          Method allocateFrom) {
    }

    /** Whether this runtime can punch holes. */
    public static boolean available() {
        return NATIVE != null;
    }

    /**
     * Punches {@code [offset, offset+length)} of {@code file}; false when it could not (no support here, or the file
     * system refused: the caller keeps the room).
     */
    public static boolean punch(Path file, long offset, long length) {
        if (NATIVE == null || length <= 0) {
            return false;
        }
        try (AutoCloseable arena = (AutoCloseable) NATIVE.ofConfined.invoke(null)) {
            Object path = NATIVE.allocateFrom.invoke(arena, file.toAbsolutePath().toString());
            int fd = (int) NATIVE.open.invokeWithArguments(path, O_WRONLY);
            if (fd < 0) {
                return false;
            }
            try {
                return (int) NATIVE.fallocate.invokeWithArguments(fd, PUNCH_HOLE_KEEP_SIZE, offset, length) == 0;
            } finally {
                NATIVE.close.invokeWithArguments(fd);
            }
        } catch (Throwable e) {
            LOG.warn("cannot punch {}+{} of {}: {}", offset, length, file, e.toString());
            return false;
        }
    }

    /** fallocate, open and close of the C library, or null where the foreign function API is not final. */
    private static Native lookUp() {
        if (Runtime.version().feature() < 22 || !System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
            Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
            Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> descC = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> valueC = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> arenaC = Class.forName("java.lang.foreign.Arena");
            Object linker = linkerC.getMethod("nativeLinker").invoke(null);
            Object lookup = linkerC.getMethod("defaultLookup").invoke(linker);
            Object i32 = valueC.getField("JAVA_INT").get(null);
            Object i64 = valueC.getField("JAVA_LONG").get(null);
            Object addr = valueC.getField("ADDRESS").get(null);
            Method of = descC.getMethod("of", layoutC, Array.newInstance(layoutC, 0).getClass());
            Method find = lookupC.getMethod("find", String.class);
            Method downcall = linkerC.getMethod("downcallHandle", segmentC, descC,
                    Array.newInstance(optionC, 0).getClass());
            Object noOptions = Array.newInstance(optionC, 0);
            MethodHandle[] handles = new MethodHandle[3];
            String[] names = {"open", "fallocate", "close"};
            Object[][] args = {{addr, i32}, {i32, i32, i64, i64}, {i32}};
            for (int i = 0; i < 3; i++) {
                Object[] layouts = (Object[]) Array.newInstance(layoutC, args[i].length);
                System.arraycopy(args[i], 0, layouts, 0, layouts.length);
                Object symbol = ((Optional<?>) find.invoke(lookup, names[i])).orElseThrow();
                handles[i] = (MethodHandle) downcall.invoke(linker, symbol, of.invoke(null, i32, layouts), noOptions);
            }
            return new Native(handles[0], handles[1], handles[2], arenaC.getMethod("ofConfined"),
                    arenaC.getMethod("allocateFrom", String.class));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.info("holes cannot be punched in files on this runtime ({}): room is given back by truncation only",
                    e.toString());
            return null;
        }
    }
}
