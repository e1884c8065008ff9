package org.understudy.jmx;

import java.util.regex.Pattern;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** The object names of Understudy's beans, all in the {@value #DOMAIN} domain. Stateless. */
public final class ObjectNames {
    public static final String DOMAIN = "org.understudy";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.-]+");

    private ObjectNames() {
    }

    public static ObjectName appliance() {
        return of("type=Appliance");
    }

    public static ObjectName alarms() {
        return of("type=Alarms");
    }

    public static ObjectName primary(String primary) {
        return of("type=Primary,name=" + value(primary));
    }

    public static ObjectName volume(String primary, String volume) {
        return of("type=Volume,primary=" + value(primary) + ",name=" + value(volume));
    }

    public static ObjectName path(String primary, String path) {
        return of("type=Path,primary=" + value(primary) + ",name=" + value(path));
    }

    /** Every Understudy bean, for queries. */
    public static ObjectName all() {
        return of("*");
    }

    private static String value(String v) {
        return PLAIN.matcher(v).matches() ? v : ObjectName.quote(v);
    }

    private static ObjectName of(String keys) {
        try {
            return new ObjectName(DOMAIN + ":" + keys);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(keys + ": " + e.getMessage(), e);
        }
    }
}
