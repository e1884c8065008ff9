package org.understudy.jmx;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.NotificationBroadcasterSupport;
import javax.management.StandardEmitterMBean;

/**
 * An MXBean whose MBeanInfo carries the {@link Description}s written on its interface, so JConsole shows what every
 * attribute, operation and parameter means, and which can send notifications. Every operation of an Understudy
 * MXBean acts on the node, so all are reported with impact ACTION. Thread-safe as its implementation is.
 *
 * @param <T> the MXBean interface
 */
public class DescribedMXBean<T> extends StandardEmitterMBean {
    private final Class<T> type;
    private final NotificationBroadcasterSupport emitter;

    public DescribedMXBean(T implementation, Class<T> type, NotificationBroadcasterSupport emitter) {
        super(implementation, type, true, emitter);
        this.type = type;
        this.emitter = emitter;
    }

    /** Where this bean's notifications are sent from. */
    public NotificationBroadcasterSupport emitter() {
        return emitter;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        Description d = type.getAnnotation(Description.class);
        return d != null ? d.value() : super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        for (String prefix : new String[] {"get", "is"}) {
            Method m = method(prefix + info.getName(), 0);
            if (m != null && m.getAnnotation(Description.class) != null) {
                return m.getAnnotation(Description.class).value();
            }
        }
        return super.getDescription(info);
    }

    @Override
    protected String getDescription(MBeanOperationInfo op) {
        Method m = method(op.getName(), op.getSignature().length);
        return m != null && m.getAnnotation(Description.class) != null
                ? m.getAnnotation(Description.class).value() : super.getDescription(op);
    }

    @Override
    protected String getDescription(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Description d = parameter(op, sequence);
        return d != null ? d.value() : super.getDescription(op, param, sequence);
    }

    @Override
    protected String getParameterName(MBeanOperationInfo op, MBeanParameterInfo param, int sequence) {
        Description d = parameter(op, sequence);
        return d != null && !d.name().isEmpty() ? d.name() : super.getParameterName(op, param, sequence);
    }

    @Override
    protected int getImpact(MBeanOperationInfo info) {
        return MBeanOperationInfo.ACTION;
    }

    private Description parameter(MBeanOperationInfo op, int sequence) {
        Method m = method(op.getName(), op.getSignature().length);
        if (m == null) {
            return null;
        }
        Parameter[] ps = m.getParameters();
        return sequence < ps.length ? ps[sequence].getAnnotation(Description.class) : null;
    }

    private Method method(String name, int params) {
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == params) {
                return m;
            }
        }
        return null;
    }
}
