package org.understudy.failover;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The demo and test identity: every 127.0.0.0/8 address is already local on Linux, so taking the identity means
 * checking that the address is a loopback one and that nothing still listens on its NBD port (the old primary is
 * gone), then proving the standby can bind it. The NBD server binds it for real in the next step. Thread-safe.
 */
public final class LoopbackAliasAction implements IdentityAction {
    private final int connectTimeoutMillis;

    public LoopbackAliasAction(int connectTimeoutMillis) {
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    @Override
    public StepResult acquire(TakeoverTarget t) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(t.address());
        } catch (IOException e) {
            return StepResult.failed("cannot resolve " + t.address() + ": " + e.getMessage());
        }
        if (!addr.isLoopbackAddress()) {
            return StepResult.failed(t.address() + " is not a loopback address; use the production identity action");
        }
        InetSocketAddress sa = new InetSocketAddress(addr, t.nbdPort());
        try (Socket s = new Socket()) {
            s.connect(sa, connectTimeoutMillis);
            return StepResult.failed("something still listens on " + sa + " (the old primary, or another process, has not "
                    + "let go of it)");
        } catch (IOException expected) {
            // nothing answers: free to take
        }
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(sa);
        } catch (IOException e) {
            return StepResult.failed("cannot bind " + sa + ": " + e.getMessage());
        }
        return StepResult.ok("loopback " + sa + " free and bindable");
    }

    @Override
    public StepResult release(TakeoverTarget t) {
        return StepResult.ok("loopback " + t.address() + ": nothing to release (the NBD server unbinds)");
    }
}
