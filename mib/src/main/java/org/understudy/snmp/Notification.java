package org.understudy.snmp;

import java.util.List;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.VariableBinding;

/** One notification to send: its snmpTrapOID and the MIB's varbinds for it, in the MIB's order. Immutable. */
record Notification(OID trapOid, List<VariableBinding> varbinds) {
    Notification {
        varbinds = List.copyOf(varbinds);
    }
}
