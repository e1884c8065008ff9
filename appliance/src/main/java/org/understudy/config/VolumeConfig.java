package org.understudy.config;

import java.nio.file.Path;

/**
 * One protected volume of a primary.
 *
 * @param name   export name, unique within its primary
 * @param file   backing file on the primary (absolute, resolved against the cluster file's directory)
 * @param size   size in bytes
 * @param mode   mirroring mode
 */
public record VolumeConfig(String name, Path file, long size, MirrorMode mode) {
}
