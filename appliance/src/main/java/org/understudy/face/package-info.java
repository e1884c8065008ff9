/**
 * What a management face module ({@code mib/}, {@code jmx/}, the web console) is given:
 * {@link org.understudy.face.ManagementFace}, found by the daemon through {@link java.util.ServiceLoader}, and its
 * {@link org.understudy.face.FaceContext} (configuration, the model, alarm and event streams, the command API, the
 * refused-login record). A face never sees an engine.
 *
 * <p>May use: {@code command/}, {@code config/}, {@code model/}, {@code security/}.
 */
package org.understudy.face;
