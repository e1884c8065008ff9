package org.understudy.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs one durable write per item at once, a virtual thread each, and returns only when every one has ended: the
 * fsyncs of independent volumes overlap instead of queueing one behind the other (a takeover makes several per volume
 * while clients wait). The caller sees the same outcome as a loop: every result, or the first failure after all ended.
 */
public final class AtOnce {
    /** One item's work. */
    @FunctionalInterface
    public interface IoFunction<T, R> {
        R apply(T item) throws IOException;
    }

    /** One durable write with nothing to return. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    private AtOnce() {
    }

    /** Runs every one of {@code actions} at once and returns when all ended, or throws the first failure after. */
    public static void run(List<IoAction> actions) throws IOException {
        map(actions, a -> {
            a.run();
            return a;
        }, a -> { });
    }

    /**
     * {@code work} on every item at once; the results in the items' order. If any fails, {@code undo} gets each result
     * that was made and the first failure is thrown.
     */
    public static <T, R> List<R> map(List<T> items, IoFunction<T, R> work, Consumer<R> undo) throws IOException {
        List<R> out = new ArrayList<>();
        IOException failure = null;
        if (items.size() <= 1) {
            for (T item : items) {
                out.add(work.apply(item));
            }
            return out;
        }
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> running = items.stream().map(i -> ex.submit(() -> work.apply(i))).toList();
            for (Future<R> f : running) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    failure = failure != null ? failure : e.getCause() instanceof IOException io ? io
                            : new IOException(e.getCause().toString(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = failure != null ? failure : new IOException("interrupted", e);
                }
            }
        }
        if (failure != null) {
            out.forEach(undo);
            throw failure;
        }
        return out;
    }
}
