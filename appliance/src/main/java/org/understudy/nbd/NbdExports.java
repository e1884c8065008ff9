package org.understudy.nbd;

import java.util.List;
import java.util.Optional;
import org.understudy.storage.BlockDevice;

/**
 * The exports an {@link NbdServer} offers, looked up by name at every negotiation, so the set may change while the
 * server runs (a standby adds a failed primary's exports). Implementations must be thread-safe.
 */
public interface NbdExports {

    /** The device served under {@code name}, if any. */
    Optional<BlockDevice> lookup(String name);

    /** Names offered to OPT_LIST, in a stable order. */
    List<String> names();
}
