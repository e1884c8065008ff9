package org.understudy.web.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The console's HTTPS key pair when the cluster file names no key store: a self-signed certificate generated at
 * first start into {@code stateDir/web/} (by the JDK's own {@code keytool}, which every runtime with
 * {@code java.base} carries), with a random store password kept beside it readable by the owner only. Later starts
 * reuse it, so browsers that trusted it keep trusting it. Its SHA-256 fingerprint is logged so an operator can
 * check what the browser shows. Stateless.
 */
public final class KeyStores {
    private static final Logger LOG = LogManager.getLogger(KeyStores.class);
    static final String ALIAS = "understudy-web";

    private KeyStores() {
    }

    /** A key store file and its password. */
    public record Store(Path file, String type, char[] password) {
    }

    /** The node's self-signed store, generated now if it does not exist yet. */
    public static Store selfSigned(Path stateDir, String node, String address) throws IOException {
        Path dir = stateDir.resolve("web");
        Path file = dir.resolve("self-signed.p12");
        Path passFile = dir.resolve("self-signed.pass");
        if (!Files.exists(file) || !Files.exists(passFile)) {
            Files.createDirectories(dir);
            Files.deleteIfExists(file);
            Files.deleteIfExists(passFile);
            byte[] raw = new byte[18];
            new SecureRandom().nextBytes(raw);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            generate(file, password, node, address);
            Files.createFile(passFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passFile, password, StandardCharsets.US_ASCII);
            LOG.info("{}: web console key pair generated (self-signed) in {}", node, file);
        }
        Store s = new Store(file, "PKCS12", Files.readString(passFile, StandardCharsets.US_ASCII).trim().toCharArray());
        LOG.info("{}: web console certificate {} SHA-256 fingerprint {}", node, file, fingerprint(s));
        return s;
    }

    /** The SHA-256 fingerprint of the store's first certificate, as browsers show it (AB:CD:...). */
    public static String fingerprint(Store s) throws IOException {
        try (InputStream in = Files.newInputStream(s.file())) {
            KeyStore ks = KeyStore.getInstance(s.type());
            ks.load(in, s.password());
            String alias = ks.aliases().nextElement();
            Certificate c = ks.getCertificate(alias);
            byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read the key store " + s.file() + ": " + e.getMessage(), e);
        }
    }

    private static void generate(Path file, String password, String node, String address) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-noprompt", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "3650",
                "-dname", "CN=" + node + ", O=Understudy", "-ext", "SAN=" + san(address), "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass:env", "US_STOREPASS"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("US_STOREPASS", password);
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(keytool + " did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating the web key pair", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(keytool + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
    }

    /** Subject alternative names: the listening address, and localhost for a loopback one. */
    private static String san(String address) {
        boolean ip = address.matches("[0-9.]+") || address.contains(":");
        String own = (ip ? "ip:" : "dns:") + address;
        if (address.equals("127.0.0.1")) {
            return own + ",dns:localhost";
        }
        return address.startsWith("127.") || address.equals("::1") ? own + ",dns:localhost,ip:127.0.0.1" : own;
    }
}
