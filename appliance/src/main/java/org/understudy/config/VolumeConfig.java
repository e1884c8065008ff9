package org.understudy.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One protected volume of a primary.
 *
 * @param name   export name, unique within its primary
 * @param file   backing file on the primary (absolute, resolved against the cluster file's directory)
 * @param size   size in bytes
 * @param mode   mirroring mode
 * @param mirror effective mirroring settings (the cluster's, with this volume's overrides applied)
 */
public record VolumeConfig(String name, Path file, long size, MirrorMode mode, MirrorSettings mirror) {
    public VolumeConfig {
        Objects.requireNonNull(mirror, "mirror");
    }

    /** A volume with the default mirroring settings. */
    public VolumeConfig(String name, Path file, long size, MirrorMode mode) {
        this(name, file, size, mode, MirrorSettings.DEFAULTS);
    }
}
