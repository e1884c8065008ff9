package org.understudy.snmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * UNDERSTUDY-MIB is clean SMIv2 and loads the same way in both toolchains operators use: libsmi (smilint) and
 * Net-SNMP (snmptranslate, hence snmpwalk/snmptrapd), using only the base modules the project ships.
 */
class MibLintTest {

    private static final Pattern DEFINITION = Pattern.compile(
            "^([a-z][A-Za-z0-9-]*)\\s+(OBJECT-TYPE|OBJECT IDENTIFIER|NOTIFICATION-TYPE|MODULE-IDENTITY"
                    + "|OBJECT-GROUP|NOTIFICATION-GROUP|MODULE-COMPLIANCE)\\b",
            Pattern.MULTILINE);

    @Test
    void smilintAtLevelSixReportsNothing() {
        MibTools.Result r = MibTools.libsmi("smilint", "-l", "6", "-s", MibTools.mibFile().toString());
        if (r.exitCode() != 0 || !r.stdout().isEmpty() || !r.stderr().isEmpty()) {
            fail("smilint -l 6 -s must report nothing for UNDERSTUDY-MIB (SMIPATH=" + MibTools.mibPath()
                    + "), but it said:\n" + r.describe());
        }
    }

    @Test
    void smilintFindsOurBaseModulesAndNoneOfTheSystems() {
        // Guards the test above: a silent smilint must be one that parsed the module with our base modules.
        MibTools.Result r = MibTools.libsmi("smidump", "-f", "identifiers", MibTools.mibFile().toString());
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stderr().isEmpty(), r::describe);
        assertTrue(libsmiOids().size() > 50, r::describe);
    }

    @Test
    void netSnmpResolvesEveryDefinitionToTheOidLibsmiGives() {
        Map<String, String> libsmi = libsmiOids();
        Set<String> defined = definitionsInSource();
        assertEquals(defined, libsmi.keySet().stream().filter(defined::contains)
                .collect(LinkedHashSet::new, Set::add, Set::addAll),
                "every definition in the MIB text has an OID in libsmi");

        Map<String, String> netSnmp = MibTools.netSnmpNodes();
        List<String> problems = new ArrayList<>();
        for (String name : defined) {
            String expected = libsmi.get(name);
            String actual = netSnmp.get(name);
            if (!expected.equals(actual)) {
                problems.add(name + ": libsmi " + expected + ", Net-SNMP " + actual);
            }
        }
        assertTrue(problems.isEmpty(), "libsmi and Net-SNMP disagree:\n" + String.join("\n", problems));

        // and by name, the way managers and tests address objects
        List<String> args = new ArrayList<>(List.of("-Pw", "-On"));
        defined.forEach(n -> args.add(UnderstudyMib.MODULE + "::" + n));
        MibTools.Result r = MibTools.snmptranslate(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stderr().isEmpty(), r::describe);
        List<String> lines = r.stdout().lines().filter(l -> !l.isBlank()).toList();
        List<String> expected = defined.stream().map(n -> "." + libsmi.get(n)).toList();
        assertEquals(expected, lines, "snmptranslate -On of every name, in order");
    }

    @Test
    void treeDisplayShowsTheLayout() {
        MibTools.Result r = MibTools.snmptranslate("-Pw", "-Tp", UnderstudyMib.MODULE + "::understudyMIB");
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stderr().isEmpty(), r::describe);
        for (String node : List.of("understudyMIB(7)", "understudyNotifications(0)", "understudyObjects(1)",
                "understudyConformance(2)", "-RW- EnumVal   usPrimaryAction(9)", "-RW- Unsigned  usVolumeThrottle(11)",
                "-R-- Counter64 usVolumeBytesReplicated(9)", "Index: usPrimaryIndex, usVolumeIndex")) {
            assertTrue(r.stdout().contains(node), () -> "missing '" + node + "' in\n" + r.stdout());
        }
    }

    @Test
    void enterpriseNumberIsWrittenOnceInTheMibAndOnceInTheCode() throws IOException {
        String pen = Integer.toString(UnderstudyMib.ENTERPRISE);
        String mib = Files.readString(MibTools.mibFile(), StandardCharsets.US_ASCII);
        List<String> mibLines = mib.lines().filter(l -> l.contains(pen)).toList();
        assertEquals(1, mibLines.size(), () -> "the enterprise number must be on exactly one line: " + mibLines);
        assertEquals(1, count(mib, pen), "the enterprise number must be written once in the MIB");
        assertTrue(mibLines.get(0).strip().startsWith("::= { enterprises "), mibLines.get(0));

        Path java = MibTools.moduleDir().resolve("src/main/java/org/understudy/snmp/UnderstudyMib.java");
        assertEquals(1, count(Files.readString(java), pen), "the enterprise number must be one constant");
    }

    @Test
    void mibIsPlainAsciiWithShortLines() throws IOException {
        byte[] bytes = Files.readAllBytes(MibTools.mibFile());
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i];
            assertTrue(b == '\n' || (b >= 0x20 && b < 0x7f), "non-ASCII or control byte at offset " + i);
        }
        new String(bytes, StandardCharsets.US_ASCII).lines().forEach(l ->
                assertTrue(l.length() <= 80, () -> "line longer than 80 columns: " + l));
    }

    /** libsmi's view: every named node with an OID (types have none), descriptor to dotted OID. */
    static Map<String, String> libsmiOids() {
        MibTools.Result r = MibTools.libsmi("smidump", "-f", "identifiers", MibTools.mibFile().toString());
        Map<String, String> oids = new LinkedHashMap<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length == 4 && f[0].equals(UnderstudyMib.MODULE) && f[3].matches("[0-9]+(\\.[0-9]+)*")) {
                oids.put(f[1], f[3]);
            }
        }
        return oids;
    }

    /** The descriptors the MIB text defines, in order. */
    static Set<String> definitionsInSource() {
        try {
            Matcher m = DEFINITION.matcher(Files.readString(MibTools.mibFile(), StandardCharsets.US_ASCII));
            Set<String> names = new LinkedHashSet<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
