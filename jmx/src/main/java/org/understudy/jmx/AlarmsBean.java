package org.understudy.jmx;

import java.util.Date;
import java.util.List;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.ReflectionException;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanConstructorInfoSupport;
import javax.management.openmbean.OpenMBeanInfoSupport;
import javax.management.openmbean.OpenMBeanOperationInfoSupport;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import javax.management.openmbean.TabularData;
import javax.management.openmbean.TabularDataSupport;
import javax.management.openmbean.TabularType;
import org.understudy.model.Alarm;
import org.understudy.model.AlarmSource;

/**
 * The node's active alarms as an open MBean: a table indexed by the alarm index (the same index as the SNMP alarm
 * table), one row per alarm. An MXBean cannot return a TabularData of its own shape, hence a small dynamic MBean.
 * Read-only; thread-safe (reads the alarm source on every call).
 */
final class AlarmsBean implements DynamicMBean {
    static final String[] COLUMNS = {"index", "kind", "resource", "severity", "description", "since", "updatedAt"};
    private static final String[] COLUMN_TEXT = {
        "Alarm index: stable while active, never reused (the SNMP alarm table index)",
        "What the alarm is about, e.g. PATH_DOWN, PRIMARY_FAILED, SPLIT_BRAIN",
        "What it is on: p1, p1/vol0, p1/path/production (first segment: the node)",
        "CRITICAL, MAJOR, MINOR, WARNING or INFO",
        "Cause and the numbers behind it",
        "When it was raised",
        "When its severity or description last changed"};
    static final CompositeType ROW;
    static final TabularType TABLE;

    static {
        try {
            OpenType<?>[] types = {SimpleType.LONG, SimpleType.STRING, SimpleType.STRING, SimpleType.STRING, SimpleType.STRING,
                SimpleType.DATE, SimpleType.DATE};
            ROW = new CompositeType("org.understudy.Alarm", "One active alarm", COLUMNS, COLUMN_TEXT, types);
            TABLE = new TabularType("org.understudy.Alarms", "Active alarms, most severe first", ROW, new String[] {"index"});
        } catch (OpenDataException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AlarmSource alarms;
    private final MBeanInfo info;

    AlarmsBean(AlarmSource alarms) {
        this.alarms = alarms;
        this.info = new OpenMBeanInfoSupport(AlarmsBean.class.getName(),
                "The node's active alarms: the same set the SNMP alarm table, traps and the web console show. Raised, "
                        + "updated and cleared alarms are announced as notifications of the type=Appliance bean.",
                new OpenMBeanAttributeInfoSupport[] {
                    new OpenMBeanAttributeInfoSupport("ActiveAlarms",
                            "Active alarms, one row per alarm, indexed by alarm index; most severe first", TABLE, true, false, false),
                    new OpenMBeanAttributeInfoSupport("ActiveCount", "Number of active alarms", SimpleType.INTEGER, true, false, false),
                    new OpenMBeanAttributeInfoSupport("HighestSeverity",
                            "Severity of the worst active alarm, or NONE", SimpleType.STRING, true, false, false)},
                new OpenMBeanConstructorInfoSupport[0], new OpenMBeanOperationInfoSupport[0], new MBeanNotificationInfo[0]);
    }

    static TabularData table(List<Alarm> active) {
        TabularDataSupport t = new TabularDataSupport(TABLE);
        for (Alarm a : active) {
            try {
                t.put(new CompositeDataSupport(ROW, COLUMNS, new Object[] {a.index(), a.kind().name(), a.resource(), a.severity().name(),
                    a.description(), Date.from(a.since()), Date.from(a.updatedAt())}));
            } catch (OpenDataException e) {
                throw new IllegalStateException("alarm " + a.id() + " does not fit the alarm row type: " + e.getMessage(), e);
            }
        }
        return t;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        List<Alarm> active = alarms.active();
        return switch (attribute) {
            case "ActiveAlarms" -> table(active);
            case "ActiveCount" -> active.size();
            case "HighestSeverity" -> active.isEmpty() ? "NONE" : active.getFirst().severity().name();
            default -> throw new AttributeNotFoundException("no attribute " + attribute + " (ActiveAlarms, ActiveCount, HighestSeverity)");
        };
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        for (String a : attributes) {
            try {
                list.add(new Attribute(a, getAttribute(a)));
            } catch (AttributeNotFoundException e) {
                // left out, as the DynamicMBean contract asks
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "the Alarms bean has no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
