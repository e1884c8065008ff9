package org.understudy.jmx;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The text JConsole shows for an MXBean, attribute (on its getter), operation or operation parameter; read
 * reflectively by {@link DescribedMXBean}. On a parameter, {@link #name()} is the name JConsole shows instead of
 * {@code p0}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.PARAMETER})
public @interface Description {
    String value();

    /** A parameter's name; ignored elsewhere. */
    String name() default "";
}
