package org.understudy.face;

/**
 * A management face (SNMP agent, JMX connector, web console...) that the daemon finds through
 * {@link java.util.ServiceLoader} at start, so the appliance never depends on the modules that provide them.
 * A face reads the state model and acts through the command API only. A face that fails to start is logged and
 * skipped; it never stops the node.
 */
public interface ManagementFace extends AutoCloseable {

    /** Short name for logs, e.g. {@code snmp}. */
    String name();

    /** Starts serving; returns once ready. Called once. */
    void start(FaceContext context) throws Exception;

    /** Stops serving and releases every resource; never throws. */
    @Override
    void close();
}
