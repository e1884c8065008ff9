package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every constant of {@link UnderstudyMib} agrees with Net-SNMP's reading of UNDERSTUDY-MIB, and none is missing. */
class UnderstudyMibTest {

    /** Constants that are not a descriptor of our module; checked on their own below. */
    private static final Set<String> NOT_DESCRIPTORS = Set.of("MODULE", "ENTERPRISE", "PRODUCT_ARC", "ENTERPRISES");

    private static Map<String, String> allNodes;
    /** Our module's nodes, keyed by descriptor lower-cased without separators (US_NODE_ROLE and usNodeRole meet). */
    private static Map<String, String> ours;

    @BeforeAll
    static void loadMib() {
        allNodes = MibTools.netSnmpNodes();
        String root = allNodes.get("understudyMIB");
        assertNotNull(root, "understudyMIB not in snmptranslate -Tz");
        ours = new HashMap<>();
        allNodes.forEach((name, oid) -> {
            if (oid.equals(root) || oid.startsWith(root + ".")) {
                String previous = ours.put(key(name), oid);
                assertEquals(null, previous, "two descriptors normalise to the same constant name: " + name);
            }
        });
    }

    @Test
    void rootIsUnderTheEnterpriseNumber() {
        assertEquals(allNodes.get("enterprises"), UnderstudyMib.dotted(UnderstudyMib.ENTERPRISES));
        assertEquals(allNodes.get("enterprises") + "." + UnderstudyMib.ENTERPRISE + "." + UnderstudyMib.PRODUCT_ARC,
                UnderstudyMib.dotted(UnderstudyMib.UNDERSTUDY_MIB));
        assertEquals("UNDERSTUDY-MIB", UnderstudyMib.MODULE);
    }

    @Test
    void everyOidConstantIsTheOidOfItsDescriptor() throws IllegalAccessException {
        List<String> problems = new ArrayList<>();
        for (Field f : constants(UnderstudyMib.class)) {
            if (f.getType() != int[].class || NOT_DESCRIPTORS.contains(f.getName())) {
                continue;
            }
            String mib = ours.get(key(f.getName()));
            String java = UnderstudyMib.dotted((int[]) f.get(null));
            if (!java.equals(mib)) {
                problems.add(f.getName() + " = " + java + " but the MIB says " + mib);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyColumnConstantIsItsColumnNumberUnderADeclaredEntry() throws IllegalAccessException {
        Set<String> entries = new TreeSet<>();
        for (Field f : constants(UnderstudyMib.class)) {
            if (f.getType() == int[].class && f.getName().endsWith("_ENTRY")) {
                entries.add(UnderstudyMib.dotted((int[]) f.get(null)));
            }
        }
        assertEquals(7, entries.size(), "seven tables (primaries, volumes, paths, alarms, alarm history, snapshot space, snapshots)");
        List<String> problems = new ArrayList<>();
        for (Field f : constants(UnderstudyMib.class)) {
            if (f.getType() != int.class || NOT_DESCRIPTORS.contains(f.getName())) {
                continue;
            }
            String mib = ours.get(key(f.getName()));
            int column = f.getInt(null);
            if (mib == null) {
                problems.add(f.getName() + " is not a descriptor of the MIB");
                continue;
            }
            int dot = mib.lastIndexOf('.');
            if (!entries.contains(mib.substring(0, dot)) || Integer.parseInt(mib.substring(dot + 1)) != column) {
                problems.add(f.getName() + " = " + column + " but the MIB says " + mib);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyObjectAndNotificationOfTheMibHasAConstant() {
        Set<String> constantKeys = new TreeSet<>();
        for (Field f : constants(UnderstudyMib.class)) {
            constantKeys.add(key(f.getName()));
        }
        String objects = UnderstudyMib.dotted(UnderstudyMib.UNDERSTUDY_OBJECTS) + ".";
        String notifications = UnderstudyMib.dotted(UnderstudyMib.UNDERSTUDY_NOTIFICATIONS) + ".";
        List<String> missing = new ArrayList<>();
        allNodes.forEach((name, oid) -> {
            if ((oid.startsWith(objects) || oid.startsWith(notifications)) && !constantKeys.contains(key(name))) {
                missing.add(name + " " + oid);
            }
        });
        assertTrue(missing.isEmpty(), "UnderstudyMib lacks constants for:\n" + String.join("\n", missing));
    }

    @Test
    void enumerationConstantsMatchTheTextualConventions() throws IllegalAccessException {
        Map<String, Map<String, Integer>> conventions = textualConventionValues();
        List<String> problems = new ArrayList<>();
        for (Class<?> nested : UnderstudyMib.class.getDeclaredClasses()) {
            // imported conventions keep their names; ours are Understudy...
            String tc = switch (nested.getSimpleName()) {
                case "TruthValue" -> "TruthValue";
                case "AlarmSeverity" -> "ItuPerceivedSeverity";
                default -> "Understudy" + nested.getSimpleName();
            };
            Map<String, Integer> values = conventions.get(tc);
            if (values == null) {
                problems.add(nested.getSimpleName() + ": no textual convention " + tc + " in use in the MIB");
                continue;
            }
            Map<String, Integer> java = new LinkedHashMap<>();
            for (Field f : constants(nested)) {
                java.put(key(f.getName()), f.getInt(null));
            }
            Map<String, Integer> mib = new LinkedHashMap<>();
            values.forEach((label, number) -> mib.put(key(label), number));
            if (!java.equals(mib)) {
                problems.add(tc + ": code " + java + ", MIB " + mib);
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertEquals(15, UnderstudyMib.class.getDeclaredClasses().length, "one class per enumerated convention");
    }

    @Test
    void instanceHelpersAppendWithoutSharing() {
        int[] scalar = UnderstudyMib.scalarInstance(UnderstudyMib.US_AUTO_FAILOVER);
        assertEquals(UnderstudyMib.dotted(UnderstudyMib.US_AUTO_FAILOVER) + ".0", UnderstudyMib.dotted(scalar));
        int[] cell = UnderstudyMib.columnInstance(UnderstudyMib.US_VOLUME_ENTRY, UnderstudyMib.US_VOLUME_THROTTLE, 3, 2);
        assertEquals(ours.get(key("usVolumeThrottle")) + ".3.2", UnderstudyMib.dotted(cell));
        assertNotSame(UnderstudyMib.US_VOLUME_ENTRY, cell);
        assertArrayEquals(new int[] {1, 3, 6, 1, 4, 1}, UnderstudyMib.ENTERPRISES);
    }

    /** From {@code -Tp}: for each convention used by an object, its named numbers in order. */
    private static Map<String, Map<String, Integer>> textualConventionValues() {
        MibTools.Result r = MibTools.snmptranslate("-Pw", "-Tp", UnderstudyMib.MODULE + "::understudyMIB");
        assertEquals(0, r.exitCode(), r::describe);
        Pattern tcLine = Pattern.compile("Textual Convention: (\\S+)");
        Pattern valuesLine = Pattern.compile("Values: (.*)");
        Pattern value = Pattern.compile("([A-Za-z][A-Za-z0-9-]*)\\((\\d+)\\)");
        Map<String, Map<String, Integer>> out = new HashMap<>();
        String current = null;
        for (String line : r.stdout().split("\n")) {
            Matcher tc = tcLine.matcher(line);
            if (tc.find()) {
                current = tc.group(1);
                continue;
            }
            Matcher values = valuesLine.matcher(line);
            if (values.find() && current != null) {
                Map<String, Integer> named = new LinkedHashMap<>();
                Matcher v = value.matcher(values.group(1));
                while (v.find()) {
                    named.put(v.group(1), Integer.parseInt(v.group(2)));
                }
                out.putIfAbsent(current, named);
                current = null;
            }
        }
        return out;
    }

    private static List<Field> constants(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)) {
                out.add(f);
            }
        }
        return out;
    }

    private static String key(String name) {
        return name.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }
}
