package org.understudy.jmx;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * Server sockets for the RMI registry and the JMX connector, bound to the configured address only (RMI's default
 * binds every interface), over TLS when an SSLContext is given. RMI shares one listening socket between objects
 * exported on the same port with equal factories: that is how registry and connector use one port, so equality is
 * by address, TLS context and client-auth. Immutable and thread-safe.
 */
final class BoundServerSocketFactory implements RMIServerSocketFactory {
    private static final int BACKLOG = 50;
    private final InetAddress address;
    private final SSLContext tls;
    private final boolean clientAuth;

    BoundServerSocketFactory(InetAddress address, SSLContext tls, boolean clientAuth) {
        this.address = Objects.requireNonNull(address, "address");
        this.tls = tls;
        this.clientAuth = clientAuth;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        if (tls == null) {
            return new ServerSocket(port, BACKLOG, address);
        }
        SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(port, BACKLOG, address);
        s.setNeedClientAuth(clientAuth);
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BoundServerSocketFactory f && f.address.equals(address) && f.tls == tls && f.clientAuth == clientAuth;
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, System.identityHashCode(tls), clientAuth);
    }
}
