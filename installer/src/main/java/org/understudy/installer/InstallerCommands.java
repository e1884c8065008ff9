package org.understudy.installer;

import java.util.List;
import org.understudy.cli.CliExtension;
import org.understudy.installer.cli.InstallCommand;

/** Adds the installer's commands to {@code bin/understudy} (found through {@link java.util.ServiceLoader}). */
public final class InstallerCommands implements CliExtension {
    @Override
    public List<Object> commands() {
        return List.of(new InstallCommand());
    }
}
