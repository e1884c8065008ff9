package org.understudy.installer;

import java.util.List;
import org.understudy.cli.CliExtension;
import org.understudy.installer.cli.InstallCommand;
import org.understudy.installer.cli.SetupCommand;
import org.understudy.installer.cli.UninstallCommand;
import org.understudy.installer.cli.UpgradeCommand;

/** Adds the installer's commands to {@code bin/understudy} (found through {@link java.util.ServiceLoader}). */
public final class InstallerCommands implements CliExtension {
    @Override
    public List<Object> commands() {
        return List.of(new SetupCommand(), new InstallCommand(), new UpgradeCommand(), new UninstallCommand());
    }
}
