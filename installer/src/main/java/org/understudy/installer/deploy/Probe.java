package org.understudy.installer.deploy;

import static org.understudy.installer.ssh.Shell.path;
import static org.understudy.installer.ssh.Shell.quote;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.understudy.installer.ssh.Remote;

/**
 * What a target has now, found by one script over SSH: OS, architecture, clock, init system, installed versions and
 * the running one, the service user, the managed files' digests, volumes, free space, listeners and addresses.
 * Every decision of pre-flight and of the install plan is taken from it, so a re-run does only what differs.
 * Immutable.
 */
public record Probe(Map<String, String> values, long skewMillis) {
    public static Probe of(Remote remote, Target t) throws IOException {
        // the clock on its own: the target read it between t0 and t1, so only a time outside that window is skew
        long t0 = System.currentTimeMillis();
        Remote.Result clock = remote.run("date +%s%3N", Duration.ofSeconds(30));
        long t1 = System.currentTimeMillis();
        long skew;
        try {
            long there = Long.parseLong(clock.out().strip());
            skew = there < t0 ? there - t0 : there > t1 ? there - t1 : 0;
        } catch (NumberFormatException e) {
            skew = Long.MAX_VALUE;
        }
        Remote.Result r = remote.run(script(t), Duration.ofSeconds(60));
        if (!r.ok()) {
            throw new IOException(t.name() + ": the probe script failed on " + remote.where() + ": " + r.text());
        }
        Map<String, String> v = new HashMap<>();
        for (String line : r.out().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                v.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        return new Probe(v, skew);
    }

    static String script(Target t) {
        StringBuilder s = new StringBuilder();
        s.append("""
                free() { d="$1"; while [ ! -e "$d" ]; do d=$(dirname "$d"); done; df -PB1 "$d" | awk 'NR==2{print $4}'; }
                sum() { if [ -f "$1" ]; then sha256sum "$1" | cut -d' ' -f1; else echo absent; fi; }
                echo os=$(uname -s); echo arch=$(uname -m)
                if [ -d /run/systemd/system ]; then echo systemd=yes; else echo systemd=no; fi
                echo listen=$(ss -Hltun 2>/dev/null | awk '{print $1"|"$5}' | tr '\\n' ' ')
                echo addrs=$(ip -o addr show 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | tr '\\n' ' ')
                """);
        String inst = t.settings().installDir();
        s.append("echo current=$(basename \"$(readlink ").append(path(t.current())).append(" 2>/dev/null)\" 2>/dev/null)\n");
        s.append("echo versions=$(ls ").append(path(t.versionsDir())).append(" 2>/dev/null | tr '\\n' ' ')\n");
        s.append("echo staging=$(ls -d ").append(path(inst)).append("/.staging-* 2>/dev/null | wc -l)\n");
        s.append("sed -n 's/^\\(version\\|linkProtocol\\|id\\)=/build.\\1=/p' ").append(path(t.current() + "/BUILD"))
                .append(" 2>/dev/null\n");
        s.append("echo user=$(id -u ").append(quote(t.settings().serviceUser())).append(" 2>/dev/null)\n");
        s.append("echo sum.cluster=$(sum ").append(path(t.clusterFile())).append(")\n");
        s.append("echo sum.secrets=$(sum ").append(path(t.secretsFile())).append(")\n");
        s.append("echo sum.env=$(sum ").append(path(t.envFile())).append(")\n");
        s.append("echo sum.unit=$(sum ").append(path(t.unitFile())).append(")\n");
        s.append("echo statedir=$(stat -c %U ").append(path(t.stateDir())).append(" 2>/dev/null || echo absent)\n");
        s.append("echo free.state=$(free ").append(path(t.stateDir())).append(")\n");
        s.append("echo replicas.used=$(du -sb ").append(path(t.stateDir() + "/replicas")).append(" 2>/dev/null | cut -f1)\n");
        s.append("if [ -x ").append(path(t.serviceScript())).append(" ] && [ -f ").append(path(t.envFile()))
                .append(" ] && ").append(path(t.serviceScript())).append(" status ").append(path(t.envFile()))
                .append(" >/dev/null 2>&1; then echo running=yes; else echo running=no; fi\n");
        for (Target.Volume v : t.volumes()) {
            String p = path(v.path());
            s.append("if [ -b ").append(p).append(" ]; then echo vol.").append(v.name()).append("=block:$(blockdev --getsize64 ")
                    .append(p).append("):$(stat -c %U ").append(p).append(")\n")
                    .append("elif [ -f ").append(p).append(" ]; then echo vol.").append(v.name()).append("=file:$(stat -c %s ")
                    .append(p).append("):$(stat -c %U:%G ").append(p).append(")\n")
                    .append("elif [ -e ").append(p).append(" ]; then echo vol.").append(v.name()).append("=other:0:-\n")
                    .append("else echo vol.").append(v.name()).append("=absent:$(free ").append(p).append("):-; fi\n");
        }
        return s.toString();
    }

    public String get(String key) {
        return values.getOrDefault(key, "");
    }

    public boolean running() {
        return "yes".equals(get("running"));
    }

    public boolean systemd() {
        return "yes".equals(get("systemd"));
    }

    public boolean userExists() {
        return !get("user").isEmpty();
    }

    public boolean hasVersion(String id) {
        return Arrays.asList(get("versions").split(" ")).contains(id);
    }

    /** Installed version per {@code current/BUILD}, or empty when none. */
    public String installedVersion() {
        return get("build.version");
    }

    /** The replication link protocol of the installed version, or -1 when unknown. */
    public int installedProtocol() {
        try {
            return Integer.parseInt(get("build.linkProtocol"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Milliseconds the target's clock is ahead of ours (negative: behind), beyond the uncertainty of one round trip
     * (0 when its reading fell within the time the question took).
     */
    public long clockSkewMillis() {
        return skewMillis;
    }

    public long freeStateBytes() {
        return number("free.state", -1);
    }

    /** Bytes the replicas already present in the state directory take (apparent size), 0 when none. */
    public long replicaBytesPresent() {
        return number("replicas.used", 0);
    }

    private long number(String key, long otherwise) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** {@code [kind, size-or-free, owner]} of a volume: kind is file, block, other or absent. */
    public String[] volume(String name) {
        String[] p = get("vol." + name).split(":", 3);
        return p.length == 3 ? p : new String[] {"absent", "-1", "-"};
    }

    /** Listening sockets as {@code tcp|addr:port} / {@code udp|addr:port}. */
    public List<String> listeners() {
        return Arrays.stream(get("listen").split(" ")).filter(x -> !x.isBlank()).toList();
    }

    public List<String> addresses() {
        return Arrays.stream(get("addrs").split(" ")).filter(x -> !x.isBlank()).toList();
    }
}
