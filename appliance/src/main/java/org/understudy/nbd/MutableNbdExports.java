package org.understudy.nbd;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import org.understudy.storage.BlockDevice;

/**
 * A simple {@link NbdExports} backed by a concurrent sorted map; exports can be added and removed at run time.
 * Removing an export does not close its open connections: call {@link NbdServer#closeConnections(String)} for that.
 * Thread-safe.
 */
public final class MutableNbdExports implements NbdExports {
    private final ConcurrentSkipListMap<String, BlockDevice> exports = new ConcurrentSkipListMap<>();

    /** Adds or replaces the export {@code name}. */
    public void put(String name, BlockDevice device) {
        exports.put(name, device);
    }

    /** Removes the export {@code name}; returns the device it served, if any. */
    public Optional<BlockDevice> remove(String name) {
        return Optional.ofNullable(exports.remove(name));
    }

    @Override
    public Optional<BlockDevice> lookup(String name) {
        return Optional.ofNullable(exports.get(name));
    }

    @Override
    public List<String> names() {
        return List.copyOf(exports.keySet());
    }
}
