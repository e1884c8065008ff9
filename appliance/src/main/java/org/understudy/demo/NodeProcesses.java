package org.understudy.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts node processes (child JVMs running this same distribution) and stops them by pid. Stopping checks that the
 * pid still belongs to an Understudy node of that name before signalling it, so a reused pid is never touched.
 */
public final class NodeProcesses {
    private static final String MAIN = "org.understudy.Main";

    private NodeProcesses() {
    }

    /** Launches {@code understudy ROLE --config CONFIG --node NAME}; output goes to {@code logFile}. */
    public static Process launch(String role, Path config, String node, Path logFile, boolean detach) throws IOException {
        Files.createDirectories(logFile.getParent());
        List<String> cmd = new ArrayList<>();
        if (detach && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // a session of its own: the node outlives the demo command and its terminal
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(command(ProcessHandle.current().info().command().orElse("java"), RoleJvmOptions.file(role),
                role, config, node));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        RoleJvmOptions.environment(role).forEach(pb.environment()::putIfAbsent);
        return pb.start();
    }

    /**
     * The node's command line, as {@code bin/understudy ROLE} would run it: {@code java}, the role's option file as an
     * argument file ({@code @conf/jvm/ROLE.options}), this JVM's logging and home properties, its class path less the
     * jars the role leaves out ({@link RoleClassPath}), then {@code ROLE --config CONFIG --node NAME}.
     *
     * @throws IOException when the role's list of excluded jars exists but cannot be read
     */
    public static List<String> command(String java, Path roleOptions, String role, Path config, String node)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.add("@" + roleOptions);
        for (String prop : List.of("log4j2.configurationFile", "java.util.logging.manager", "understudy.home")) {
            String v = System.getProperty(prop);
            if (v != null) {
                cmd.add("-D" + prop + "=" + v);
            }
        }
        cmd.add("-cp");
        cmd.add(RoleClassPath.without(System.getProperty("java.class.path"), RoleClassPath.exclusions(roleOptions)));
        cmd.add(MAIN);
        cmd.addAll(List.of(role, "--config", config.toString(), "--node", node));
        return cmd;
    }

    /** The live process with this pid, if it is an Understudy node called {@code node}. */
    public static Optional<ProcessHandle> nodeProcess(long pid, String node) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> isNode(h, node));
    }

    private static boolean isNode(ProcessHandle h, String node) {
        // /proc cmdline is exact; ProcessHandle.Info may truncate long argument lists
        try {
            String cmdline = Files.readString(Path.of("/proc", Long.toString(h.pid()), "cmdline")).replace('\0', ' ');
            return cmdline.contains(MAIN) && cmdline.contains(" --node " + node);
        } catch (IOException e) {
            return h.info().arguments().map(a -> List.of(a).contains(MAIN) && List.of(a).contains(node)).orElse(false);
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns true if it stopped within the grace period. */
    public static boolean stop(ProcessHandle h, Duration grace) {
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            h.destroyForcibly();
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by the caller through the return value
            }
            return false;
        }
    }
}
