package org.understudy.storage;

import java.io.IOException;

/** A write to a device that only reads (a snapshot); the NBD server answers it with {@code EPERM}. */
public final class ReadOnlyDeviceException extends IOException {
    public ReadOnlyDeviceException(String device) {
        super(device + " is read-only");
    }
}
