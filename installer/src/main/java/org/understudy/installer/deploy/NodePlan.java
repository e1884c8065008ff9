package org.understudy.installer.deploy;

import static org.understudy.installer.ssh.Shell.path;
import static org.understudy.installer.ssh.Shell.quote;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.understudy.installer.dist.Distribution;

/**
 * What {@code install} must do on one node to make it match the cluster file and the distribution, decided from the
 * node's {@link Probe}: only what differs. Each {@link Step} carries its undo. An empty plan means the node is as
 * wanted and nothing is touched. Stateless.
 */
public final class NodePlan {
    /** Suffix of the copy of a file the installer replaces, kept until the node's install succeeded. */
    static final String BACKUP = ".understudy-undo";

    private NodePlan() {
    }

    /**
     * @param archive       the distribution as written by {@link Distribution#writeArchive}
     * @param clusterBytes  the cluster file's content
     * @param secretsBytes  the secrets file's content
     */
    public static List<Step> plan(Target t, Probe p, Distribution dist, Path archive, byte[] clusterBytes,
                                  byte[] secretsBytes) {
        List<Step> steps = new ArrayList<>();
        String user = t.settings().serviceUser();
        String inst = t.settings().installDir();
        if (!p.get("staging").equals("0") && !p.get("staging").isEmpty()) {
            steps.add(Step.simple("cleanup", "remove what an interrupted earlier push left", "rm -rf " + path(inst) + "/.staging-*"));
        }
        boolean pushed = !p.hasVersion(dist.id());
        if (pushed) {
            String staging = inst + "/.staging-" + dist.id();
            String dest = t.versionsDir() + "/" + dist.id();
            steps.add(new Step("push", "push " + dist.id() + " (" + Preflight.mib(size(archive)) + " compressed, "
                    + dist.entries().size() + " entries, with its Java runtime) to " + dest + " and verify every checksum",
                    "set -e\nS=" + path(staging) + "\nrm -rf \"$S\"; mkdir -p \"$S\"\n"
                            + "if ! tar -xzf - -C \"$S\" || ! (cd \"$S\" && sha256sum -c --quiet " + Distribution.MANIFEST + "); then\n"
                            + "  rm -rf \"$S\"; echo 'checksum or transfer failure: the pushed copy was removed' >&2; exit 1\nfi\n"
                            + "mkdir -p " + path(t.versionsDir()) + "\nmv \"$S\" " + path(dest) + "\n",
                    () -> Files.newInputStream(archive),
                    r -> "rm -rf " + path(dest) + " " + path(staging), "rm -rf " + path(staging)));
        }
        if (!p.userExists()) {
            boolean block = t.volumes().stream().anyMatch(v -> v.path().startsWith("/dev/"));
            steps.add(new Step("user", "create the system user " + user,
                    "if ! id -u " + quote(user) + " >/dev/null 2>&1; then useradd --system --user-group --no-create-home"
                            + " --home-dir /nonexistent --shell /usr/sbin/nologin" + (block ? " --groups disk " : " ")
                            + quote(user) + " && echo created; fi",
                    null, r -> r.out().contains("created") ? "userdel " + quote(user) : null));
        }
        if (!user.equals(p.get("statedir"))) {
            String sd = t.stateDir();
            steps.add(new Step("directories", "create " + sd + " owned by " + user + " (0750)",
                    "if [ ! -d " + path(sd) + " ]; then mkdir -p " + path(sd) + "; echo created; fi\n"
                            + "chown " + quote(user + ":") + " " + path(sd) + " && chmod 0750 " + path(sd),
                    null, r -> r.out().contains("created") ? "rm -rf " + path(sd) : null));
        }
        for (Target.Volume v : t.volumes()) {
            String[] s = p.volume(v.name());
            if (s[0].equals("absent")) {
                steps.add(new Step("volume " + v.name(), "create " + v.path() + " (" + Preflight.mib(v.size()) + ", sparse) for " + user,
                        "mkdir -p " + path(Path.of(v.path()).getParent().toString()) + " && truncate -s " + v.size() + " "
                                + path(v.path()) + " && chown " + quote(user + ":") + " " + path(v.path()),
                        null, r -> "rm -f " + path(v.path())));
            } else if (s[0].equals("file") && !s[2].startsWith(user + ":")) {
                steps.add(new Step("volume " + v.name(), "give " + v.path() + " to " + user + " (was " + s[2] + ")",
                        "chown " + quote(user + ":") + " " + path(v.path()), null,
                        r -> "chown " + quote(s[2]) + " " + path(v.path())));
            }
        }
        if (!sha256(clusterBytes).equals(p.get("sum.cluster"))) {
            steps.add(writeFile("config", t.clusterFile(), clusterBytes, "0644", "root:", "the cluster file"));
        }
        if (!sha256(secretsBytes).equals(p.get("sum.secrets"))) {
            steps.add(writeFile("secrets", t.secretsFile(), secretsBytes, "0600", user + ":", "the secrets (0600, " + user + ")"));
        }
        byte[] env = Units.env(t, p.systemd(), NodeFingerprint.of(t, clusterBytes, secretsBytes)).getBytes(StandardCharsets.UTF_8);
        boolean service = false;
        if (!sha256(env).equals(p.get("sum.env"))) {
            steps.add(writeFile("service", t.envFile(), env, "0644", "root:", "the node's service settings"));
            service = true;
        }
        if (p.systemd()) {
            byte[] unit = Units.unit(t).getBytes(StandardCharsets.UTF_8);
            if (!sha256(unit).equals(p.get("sum.unit"))) {
                Step w = writeFile("unit", t.unitFile(), unit, "0644", "root:", "the systemd unit " + t.unitName());
                steps.add(new Step(w.name(), w.describe() + ", enabled", w.script() + "\nsystemctl daemon-reload && systemctl enable "
                        + t.unitName(), w.data(), r -> w.undo().apply(r) + "\nsystemctl daemon-reload"));
                service = true;
            }
        }
        boolean switched = !dist.id().equals(p.get("current"));
        if (switched) {
            String old = p.get("current");
            String link = "ln -sfn " + quote("versions/" + dist.id()) + " " + path(t.current() + ".new") + " && mv -Tf "
                    + path(t.current() + ".new") + " " + path(t.current());
            steps.add(new Step("switch", "point " + t.current() + " at versions/" + dist.id()
                    + (old.isEmpty() ? "" : " (was " + old + ")"), "mkdir -p " + path(inst) + " && " + link, null,
                    r -> old.isEmpty() ? "rm -f " + path(t.current())
                            : "ln -sfn " + quote("versions/" + old) + " " + path(t.current() + ".new") + " && mv -Tf "
                                    + path(t.current() + ".new") + " " + path(t.current())));
        }
        if (!p.running()) {
            steps.add(new Step("start", "start the " + t.role() + " (" + (p.systemd() ? "systemd" : "fallback: setsid + pid file") + ")",
                    serviceScript(t, "start"), null, r -> serviceScript(t, "stop")));
        } else if (pushed || switched || service) {
            // the cluster file alone is no reason: the env file carries the digest of what this node depends on
            steps.add(new Step("restart", "restart the " + t.role() + " with what changed", serviceScript(t, "restart"),
                    null, r -> serviceScript(t, "stop")));
        }
        if (p.running() && !steps.isEmpty()) {
            // undone last: a node that ran before this run runs again after an undo
            steps.add(0, new Step("was-running", "the node runs now (an undo starts it again)", "true", null,
                    r -> serviceScript(t, "start")));
        }
        return steps;
    }

    /** The shipped start/stop script of the current version, on the node's env file. */
    static String serviceScript(Target t, String action) {
        return path(t.serviceScript()) + " " + action + " " + path(t.envFile());
    }

    /** Replaces {@code file} atomically (mode and owner set before the rename), keeping the old one for an undo. */
    static Step writeFile(String name, String file, byte[] content, String mode, String owner, String what) {
        String f = path(file);
        String dir = path(Path.of(file).getParent().toString());
        return new Step(name, "write " + what + " to " + file,
                "set -e\nmkdir -p " + dir + "\nif [ -e " + f + " ]; then cp -p " + f + " " + path(file + BACKUP) + "; fi\n"
                        + "umask 077\ncat > " + path(file + ".new") + "\nchmod " + mode + " " + path(file + ".new")
                        + "\nchown " + quote(owner) + " " + path(file + ".new") + "\nmv -f " + path(file + ".new") + " " + f + "\n",
                () -> new ByteArrayInputStream(content),
                r -> "if [ -e " + path(file + BACKUP) + " ]; then mv -f " + path(file + BACKUP) + " " + f + "; else rm -f "
                        + f + "; fi");
    }

    /** After a node's install succeeded: the backups of replaced files are no longer needed. */
    static String dropBackups(Target t) {
        return "rm -f " + path(t.clusterFile() + BACKUP) + " " + path(t.secretsFile() + BACKUP) + " "
                + path(t.envFile() + BACKUP) + " " + path(t.unitFile() + BACKUP);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
