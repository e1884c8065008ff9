package org.understudy.snmp;

import org.snmp4j.agent.DefaultMOScope;
import org.snmp4j.agent.MOScope;
import org.snmp4j.agent.mo.GenericManagedObject;
import org.snmp4j.agent.request.SubRequest;
import org.snmp4j.smi.Null;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;

/**
 * Every object of UNDERSTUDY-MIB under {@code understudyObjects} as one SNMP4J managed object (SNMP4J's request
 * handlers only serve {@link GenericManagedObject}s): reads come from the
 * cached {@link MibTree}, writes go to the {@link SetHandler}. Thread-safe (the tree is immutable, the handler is
 * thread-safe).
 */
final class UnderstudyObjects implements GenericManagedObject {
    private static final OID LOWER = new OID(UnderstudyMib.UNDERSTUDY_OBJECTS);
    private static final OID UPPER = new OID(UnderstudyMib.UNDERSTUDY_CONFORMANCE);
    private final MOScope scope = new DefaultMOScope(LOWER, true, UPPER, false);
    private final TreeCache cache;
    private final SetHandler sets;

    UnderstudyObjects(TreeCache cache, SetHandler sets) {
        this.cache = cache;
        this.sets = sets;
    }

    @Override
    public MOScope getScope() {
        return scope;
    }

    @Override
    public OID find(MOScope range) {
        MibTree t = cache.current();
        int i = t.first(range.getLowerBound(), range.isLowerIncluded());
        if (i >= t.size()) {
            return null;
        }
        OID o = t.oid(i);
        return inUpper(range, o) ? o : null;
    }

    @Override
    public void get(SubRequest<?> request) {
        VariableBinding vb = request.getVariableBinding();
        MibTree t = cache.current();
        Variable v = t.get(vb.getOid());
        if (v != null) {
            vb.setVariable(v);
        } else {
            vb.setVariable(isObject(vb.getOid()) ? Null.noSuchInstance : Null.noSuchObject);
        }
        request.completed();
    }

    @Override
    public boolean next(SubRequest<?> request) {
        MOScope q = request.getQuery().getScope();
        MibTree t = cache.current();
        int i = t.first(q.getLowerBound(), q.isLowerIncluded());
        if (i >= t.size() || !inUpper(q, t.oid(i))) {
            return false;
        }
        VariableBinding vb = request.getVariableBinding();
        vb.setOid(t.oid(i));
        vb.setVariable(t.value(i));
        request.completed();
        return true;
    }

    @Override
    public void prepare(SubRequest<?> request) {
        sets.prepare(request, cache.current());
        // a command may have run (and the last-action objects changed) even when the SET fails
        cache.invalidate();
    }

    @Override
    public void commit(SubRequest<?> request) {
        sets.commit(request);
        cache.invalidate();
    }

    @Override
    public void undo(SubRequest<?> request) {
        request.completed();
    }

    @Override
    public void cleanup(SubRequest<?> request) {
        request.completed();
    }

    /** True if the OID names an object type of ours (so a missing instance is noSuchInstance, not noSuchObject). */
    private static boolean isObject(OID oid) {
        return oid.startsWith(LOWER) && oid.size() > LOWER.size() + 1;
    }

    private static boolean inUpper(MOScope q, OID o) {
        OID upper = q.getUpperBound();
        if (upper == null) {
            return true;
        }
        int c = o.compareTo(upper);
        return c < 0 || (c == 0 && q.isUpperIncluded());
    }
}
