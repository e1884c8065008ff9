package org.understudy.installer.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.understudy.installer.dist.Distribution;

/**
 * The pre-flight checks of one node, from its {@link Probe}: OS and architecture, clock, the version already there
 * (and for an upgrade whether the link protocols are compatible), the node's address, free ports, volumes, and on the
 * standby room for every replica. Pure: decides from the probe only. Stateless.
 */
public final class Preflight {
    private Preflight() {
    }

    /**
     * @param dist    what would be installed
     * @param upgrade true for {@code upgrade}: the running node's ports are its own and its protocol must be compatible
     */
    public static List<Check> check(Target t, Probe p, Distribution dist, boolean upgrade) {
        String n = t.name();
        List<Check> l = new ArrayList<>();
        String arch = localArch();
        if (!"Linux".equals(p.get("os"))) {
            l.add(Check.fail(n, "os", p.get("os") + ": Understudy nodes run on Linux"));
        } else if (!arch.equals(p.get("arch"))) {
            l.add(Check.fail(n, "os", "Linux " + p.get("arch") + ", but the bundled Java runtime is for " + arch
                    + ": install from a host of the same architecture"));
        } else {
            l.add(Check.pass(n, "os", "Linux " + p.get("arch") + (p.systemd() ? ", systemd" : ", no systemd (fallback start)")));
        }
        long skew = p.clockSkewMillis();
        long bound = t.settings().clockSkew().toMillis();
        l.add(Math.abs(skew) <= bound ? Check.pass(n, "clock", String.format(Locale.ROOT, "%+d ms", skew))
                : Check.fail(n, "clock", String.format(Locale.ROOT, "%+d ms from this host, more than %d ms: run NTP"
                        + " (chrony, systemd-timesyncd) on every node", skew, bound)));
        l.add(version(t, p, dist, upgrade));
        String addr = t.node().address();
        if (!addr.startsWith("127.") && !p.addresses().contains(addr) && !upgrade) {
            l.add(Check.fail(n, "address", addr + " is not configured on this host (addresses: " + p.addresses()
                    + "); add it, or fix the node's address in the cluster file"));
        }
        l.addAll(ports(t, p, upgrade));
        for (Target.Volume v : t.volumes()) {
            l.add(volume(t, p, v));
        }
        if (t.isStandby()) {
            long need = Math.max(0, Target.replicaBytes(t.cluster()) - p.replicaBytesPresent());
            long free = p.freeStateBytes();
            l.add(free >= need ? Check.pass(n, "replica space", mib(need) + " needed, " + mib(free) + " free in " + t.stateDir())
                    : Check.fail(n, "replica space", mib(need) + " needed for the replicas, only " + mib(free) + " free in "
                            + t.stateDir() + ": free space or give the standby another stateDir"));
        }
        return l;
    }

    private static Check version(Target t, Probe p, Distribution dist, boolean upgrade) {
        String v = p.installedVersion();
        if (v.isEmpty()) {
            return upgrade ? Check.fail(t.name(), "version", "no Understudy installed: run `understudy install` first")
                    : Check.pass(t.name(), "version", "none installed");
        }
        int proto = p.installedProtocol();
        String what = v + " (link protocol " + proto + ")" + (p.running() ? ", running" : ", stopped");
        if (upgrade && proto != dist.linkProtocol()) {
            return Check.fail(t.name(), "version", what + "; " + dist.version() + " speaks link protocol "
                    + dist.linkProtocol() + ": a rolling upgrade would cut replication between old and new nodes;"
                    + " stop the cluster and run `understudy install` instead");
        }
        return Check.pass(t.name(), "version", what);
    }

    private static List<Check> ports(Target t, Probe p, boolean upgrade) {
        List<Check> l = new ArrayList<>();
        if (p.running() || upgrade) {
            l.add(Check.pass(t.name(), "ports", "held by the running node"));
            return l;
        }
        List<String> busy = new ArrayList<>();
        for (Target.Port port : t.ports()) {
            for (String lis : p.listeners()) {
                if (matches(lis, port)) {
                    busy.add(port.what() + " " + port.proto() + " " + port.address() + ":" + port.port());
                    break;
                }
            }
        }
        l.add(busy.isEmpty() ? Check.pass(t.name(), "ports", t.ports().size() + " free")
                : Check.fail(t.name(), "ports", "in use: " + String.join(", ", busy)
                        + " (ss -ltnup shows by whom); stop that program or change the port in the cluster file"));
        return l;
    }

    /** {@code tcp|0.0.0.0:22}, {@code udp|[::]:161}, {@code tcp|*:80}, {@code tcp|127.0.0.53%lo:53}. */
    static boolean matches(String listener, Target.Port port) {
        int bar = listener.indexOf('|');
        int colon = listener.lastIndexOf(':');
        if (bar < 0 || colon < bar) {
            return false;
        }
        if (!listener.substring(0, bar).equals(port.proto())) {
            return false;
        }
        String addr = listener.substring(bar + 1, colon).replace("[", "").replace("]", "");
        int pct = addr.indexOf('%');
        addr = pct >= 0 ? addr.substring(0, pct) : addr;
        addr = addr.startsWith("::ffff:") ? addr.substring(7) : addr;
        if (!listener.substring(colon + 1).equals(String.valueOf(port.port()))) {
            return false;
        }
        return addr.equals("*") || addr.equals("0.0.0.0") || addr.equals("::") || addr.equals(port.address());
    }

    private static Check volume(Target t, Probe p, Target.Volume v) {
        String[] s = p.volume(v.name());
        String what = "volume " + v.name();
        long n = parse(s[1]);
        return switch (s[0]) {
            case "file", "block" -> n >= v.size() && (s[0].equals("block") || n == v.size())
                    ? Check.pass(t.name(), what, v.path() + ", " + s[0] + " of " + mib(n))
                    : Check.fail(t.name(), what, v.path() + " is " + n + " bytes, the cluster file says " + v.size()
                            + ": fix the size in the cluster file or " + (s[0].equals("block") ? "use another device"
                            : "resize the file (truncate -s) if it holds no data yet"));
            case "absent" -> v.path().startsWith("/dev/")
                    ? Check.fail(t.name(), what, v.path() + " does not exist: attach the device, or fix the volume's"
                            + " file in the cluster file")
                    : n >= v.size()
                    ? Check.pass(t.name(), what, v.path() + " will be created (" + mib(v.size()) + ")")
                    : Check.fail(t.name(), what, v.path() + " is missing and only " + mib(n) + " is free for its "
                            + mib(v.size()) + ": free space, or create the file or device yourself");
            default -> Check.fail(t.name(), what, v.path() + " exists but is neither a file nor a block device");
        };
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** This host's architecture as {@code uname -m} says it. */
    static String localArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> a;
        };
    }
}
