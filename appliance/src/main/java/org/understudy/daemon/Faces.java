package org.understudy.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.face.FaceContext;
import org.understudy.face.ManagementFace;

/** Starts every management face found on the class path; a face that fails is logged and left out. */
final class Faces implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Faces.class);
    private final List<ManagementFace> started = new ArrayList<>();

    static Faces start(FaceContext context) {
        Faces faces = new Faces();
        for (ServiceLoader.Provider<ManagementFace> provider : ServiceLoader.load(ManagementFace.class).stream().toList()) {
            ManagementFace face;
            try {
                face = provider.get();
            } catch (RuntimeException | java.util.ServiceConfigurationError e) {
                LOG.error("{}: management face {} could not be created: {}", context.node().name(), provider.type().getName(), e.toString());
                continue;
            }
            try {
                face.start(context);
                faces.started.add(face);
                LOG.info("{}: {} face started", context.node().name(), face.name());
            } catch (Exception e) {
                LOG.error("{}: {} face failed to start, node carries on without it: {}", context.node().name(), face.name(), e.toString(), e);
                face.close();
            }
        }
        return faces;
    }

    @Override
    public void close() {
        for (ManagementFace face : started.reversed()) {
            face.close();
        }
        started.clear();
    }
}
