package org.understudy.web.pages;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of the uPlot WebJar on the class path (the build pins it; its files live under its version). */
final class UplotVersion {
    static final String VERSION = load();

    private UplotVersion() {
    }

    private static String load() {
        try (InputStream in = UplotVersion.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the uPlot WebJar's version: " + e, e);
        }
    }
}
