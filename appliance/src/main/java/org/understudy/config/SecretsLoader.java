package org.understudy.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * Loads and validates a cluster secrets file. The file must be readable by its owner only; placeholder values of the
 * shipped template are refused. Adding a secret means adding its key to {@link #KEYS} and reading it in
 * {@link #load}. Stateless and thread-safe.
 */
public final class SecretsLoader {
    /** Minimum length of the cluster key, in bytes. */
    public static final int MIN_KEY_BYTES = 32;
    /** Minimum length of the admin token, in characters. */
    public static final int MIN_TOKEN_CHARS = 16;
    private static final Set<String> KEYS = Set.of("clusterKey", "adminToken", "adminTokens", "snmp", "jmx", "web");
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretsLoader() {
    }

    public static Secrets load(Path secretsFile) throws ConfigException {
        Path file = secretsFile.toAbsolutePath().normalize();
        checkPermissions(file);
        ObjectNode root = (ObjectNode) YamlFiles.read(file);
        TreeReader r = new TreeReader();
        r.onlyKeys(root, "", KEYS);
        byte[] key = clusterKey(r, root);
        String token = AdminTokensReader.adminToken(r, root);
        java.util.List<AdminToken> tokens = AdminTokensReader.extra(r, root, token);
        SnmpSecrets snmp = SnmpSecretsReader.read(r, root);
        JmxSecrets jmx = JmxSecretsReader.read(r, root);
        WebSecrets web = WebSecretsReader.read(r, root);
        if (!r.problems().isEmpty()) {
            throw new ConfigException(file, r.problems());
        }
        return new Secrets(file, key, token, snmp, jmx, tokens, web);
    }

    /**
     * A bearer token at {@code path.key} (required): no placeholder, at least {@value #MIN_TOKEN_CHARS} printable
     * ASCII characters without spaces, since it travels in an HTTP header. Null when missing or refused (reported).
     */
    static String token(TreeReader r, ObjectNode node, String path, String key) {
        String token = r.text(node, path, key, null);
        return token != null && AdminTokensReader.valid(r, TreeReader.join(path, key), token) ? token : null;
    }

    private static byte[] clusterKey(TreeReader r, ObjectNode root) {
        String text = r.text(root, "", "clusterKey", null);
        if (text == null) {
            return null;
        }
        if (isPlaceholder(text)) {
            r.problem("clusterKey", "is still the template's placeholder; generate one with `head -c 32 /dev/urandom | base64`");
            return null;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            r.problem("clusterKey", "is not base64 (" + e.getMessage() + ")");
            return null;
        }
        if (key.length < MIN_KEY_BYTES) {
            r.problem("clusterKey", "decodes to " + key.length + " bytes; use at least " + MIN_KEY_BYTES + " random bytes");
            return null;
        }
        return key;
    }

    private static boolean isPlaceholder(String value) {
        return value.toUpperCase(java.util.Locale.ROOT).contains("CHANGE-ME");
    }

    private static void checkPermissions(Path file) throws ConfigException {
        if (!Files.exists(file)) {
            throw new ConfigException(file, "file", "does not exist");
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new ConfigException(file, "file", "cannot be read (" + e.getMessage() + ")");
        }
        Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
        extra.addAll(perms);
        extra.retainAll(NOT_OWNER);
        if (!extra.isEmpty()) {
            throw new ConfigException(file, "file", "holds secrets but is accessible by group or others ("
                    + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
        }
    }
}
