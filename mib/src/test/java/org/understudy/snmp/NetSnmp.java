package org.understudy.snmp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Net-SNMP's command-line tools against an agent, as operators run them: v3 authPriv (SHA-256, AES) or v2c, our MIB
 * from the module's own directories, Net-SNMP's config and persistent files kept under target/. Stateless.
 */
final class NetSnmp {
    private final String agent;
    private final List<String> security;

    private NetSnmp(String agent, List<String> security) {
        this.agent = agent;
        this.security = security;
    }

    static NetSnmp v3(String agent, String user, String auth, String priv) {
        return new NetSnmp(agent, List.of("-v3", "-l", "authPriv", "-u", user, "-a", "SHA-256", "-A", auth, "-x", "AES", "-X", priv));
    }

    static NetSnmp v2c(String agent, String community) {
        return new NetSnmp(agent, List.of("-v2c", "-c", community));
    }

    /** Runs {@code tool} (snmpget, snmpwalk, snmpbulkwalk, snmpset) with timeout 2 s and one retry. */
    MibTools.Result run(String tool, String... args) {
        return run(tool, List.of(), args);
    }

    /** As {@link #run(String, String...)} with extra options (e.g. {@code -On}) before the agent. */
    MibTools.Result run(String tool, List<String> options, String... args) {
        List<String> cmd = new ArrayList<>(List.of(tool));
        cmd.addAll(security);
        cmd.addAll(List.of("-t", "2", "-r", "1", "-M", MibTools.mibPath(), "-m", UnderstudyMib.MODULE));
        cmd.addAll(options);
        cmd.add(agent);
        cmd.addAll(List.of(args));
        return MibTools.run(cmd, env());
    }

    /** The environment that keeps Net-SNMP off the user's and the system's configuration. */
    static Map<String, String> env() {
        Path scratch = MibTools.moduleDir().resolve("target").resolve("snmp-tools");
        Path conf = scratch.resolve("conf");
        Path persist = scratch.resolve("persist");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(persist.resolve("cert_indexes"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("SNMPCONFPATH", conf.toString(), "SNMP_PERSISTENT_DIR", persist.toString());
    }
}
