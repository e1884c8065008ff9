package org.understudy.jmx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.understudy.config.JmxConfig;
import org.understudy.config.JmxSecrets;

/** Builds the connector's SSLContext from the configured key (and trust) store and the secrets' passwords. Stateless. */
final class TlsContexts {
    private TlsContexts() {
    }

    static SSLContext load(JmxConfig.Tls tls, JmxSecrets secrets) throws IOException, GeneralSecurityException {
        KeyStore keys = read(tls.keyStore(), tls.storeType(), secrets.keyStorePassword(), "jmx.tls.keyStore");
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, chars(secrets.keyStorePassword()));
        TrustManagerFactory tmf = null;
        if (tls.trustStore() != null) {
            KeyStore trust = read(tls.trustStore(), tls.storeType(), secrets.trustStorePassword(), "jmx.tls.trustStore");
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore read(Path file, String type, String password, String key) throws IOException, GeneralSecurityException {
        if (!Files.isReadable(file)) {
            throw new IOException(key + " " + file + " does not exist or cannot be read");
        }
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, chars(password));
        } catch (IOException e) {
            throw new IOException(key + " " + file + " cannot be opened (wrong password or store type " + type + "?): " + e.getMessage(), e);
        }
        return ks;
    }

    private static char[] chars(String s) {
        return s == null ? null : s.toCharArray();
    }
}
