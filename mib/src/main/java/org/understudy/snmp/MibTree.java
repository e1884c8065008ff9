package org.understudy.snmp;

import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;

/**
 * One rendering of UNDERSTUDY-MIB's objects: every instance and its value, sorted, plus the row indexes the
 * notifications need. Immutable, so a walk served from one tree is consistent. Lookups are binary searches.
 */
final class MibTree {
    private final OID[] oids;
    private final Variable[] values;
    private final Map<String, Integer> primaryIndex;
    private final Map<String, Integer> volumeIndex;
    private final Map<String, Integer> pathIndex;

    /**
     * @param primaryIndex primary name -> usPrimaryIndex
     * @param volumeIndex  "primary/volume" -> usVolumeIndex
     * @param pathIndex    "primary/pathId" -> usPathIndex
     */
    MibTree(SortedMap<OID, Variable> instances, Map<String, Integer> primaryIndex, Map<String, Integer> volumeIndex,
            Map<String, Integer> pathIndex) {
        this.oids = instances.keySet().toArray(OID[]::new);
        this.values = instances.values().toArray(Variable[]::new);
        this.primaryIndex = Map.copyOf(primaryIndex);
        this.volumeIndex = Map.copyOf(volumeIndex);
        this.pathIndex = Map.copyOf(pathIndex);
    }

    int size() {
        return oids.length;
    }

    /** The value of an instance, or null. */
    Variable get(OID oid) {
        int i = Arrays.binarySearch(oids, oid);
        return i >= 0 ? values[i] : null;
    }

    /** Position of the first instance after {@code from} ({@code inclusive}: at or after); may be {@link #size()}. */
    int first(OID from, boolean inclusive) {
        int i = Arrays.binarySearch(oids, from);
        if (i >= 0) {
            return inclusive ? i : i + 1;
        }
        return -i - 1;
    }

    OID oid(int position) {
        return oids[position];
    }

    Variable value(int position) {
        return values[position];
    }

    Integer primaryIndex(String primary) {
        return primaryIndex.get(primary);
    }

    Integer volumeIndex(String primary, String volume) {
        return volumeIndex.get(primary + "/" + volume);
    }

    Integer pathIndex(String primary, String path) {
        return pathIndex.get(primary + "/" + path);
    }
}
