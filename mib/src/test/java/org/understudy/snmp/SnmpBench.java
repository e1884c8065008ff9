package org.understudy.snmp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent for {@code bench/snmp.sh}: an SnmpFace over a synthetic standby snapshot of N primaries with M volumes,
 * on a free loopback port. Prints {@code READY <address> <user> <auth> <priv>} and serves until stdin closes.
 * Usage: {@code SnmpBench PRIMARIES VOLUMES}.
 */
public final class SnmpBench {
    private SnmpBench() {
    }

    /**
     * Median microseconds of a full GETBULK walk (25 repetitions) from an SNMP4J v2c client in this JVM: the agent's
     * own cost plus loopback, without a manager process's start-up, key derivation and MIB parsing.
     */
    static long inJvmMedianMicros(String address, int walks) throws Exception {
        var transport = new org.snmp4j.transport.DefaultUdpTransportMapping();
        try (org.snmp4j.Snmp snmp = new org.snmp4j.Snmp(transport)) {
            snmp.listen();
            var target = new org.snmp4j.CommunityTarget<org.snmp4j.smi.Address>(
                    org.snmp4j.smi.GenericAddress.parse("udp:" + address), new org.snmp4j.smi.OctetString(SyntheticCluster.COMMUNITY));
            target.setVersion(org.snmp4j.mp.SnmpConstants.version2c);
            target.setTimeout(2000);
            org.snmp4j.smi.OID root = new org.snmp4j.smi.OID(UnderstudyMib.UNDERSTUDY_MIB);
            long[] us = new long[walks];
            for (int w = -3; w < walks; w++) {
                long t0 = System.nanoTime();
                org.snmp4j.smi.OID next = root;
                boolean done = false;
                while (!done) {
                    org.snmp4j.PDU pdu = new org.snmp4j.PDU();
                    pdu.setType(org.snmp4j.PDU.GETBULK);
                    pdu.setMaxRepetitions(25);
                    pdu.add(new org.snmp4j.smi.VariableBinding(next));
                    var resp = snmp.send(pdu, target).getResponse();
                    if (resp == null) {
                        throw new IllegalStateException("no response");
                    }
                    for (var vb : resp.getVariableBindings()) {
                        if (!vb.getOid().startsWith(root) || vb.isException()) {
                            done = true;
                            break;
                        }
                        next = vb.getOid();
                    }
                }
                if (w >= 0) {
                    us[w] = (System.nanoTime() - t0) / 1000;
                }
            }
            java.util.Arrays.sort(us);
            return us[walks / 2];
        }
    }

    public static void main(String[] args) throws Exception {
        int primaries = Integer.parseInt(args[0]);
        int volumes = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("understudy-snmp-bench");
        SyntheticCluster cluster = new SyntheticCluster(dir, primaries, volumes, 0, List.of());
        SnmpFace face = new SnmpFace();
        face.start(cluster.context());
        System.out.println("READY udp:" + face.listenAddress().replace('/', ':') + " " + SyntheticCluster.OPS + " "
                + SyntheticCluster.OPS_AUTH + " " + SyntheticCluster.OPS_PRIV);
        System.out.flush();
        if (args.length > 2) {
            System.out.println("INJVM " + inJvmMedianMicros(face.listenAddress(), Integer.parseInt(args[2])));
            System.out.flush();
        }
        while (System.in.read() >= 0) {
            // serve until the script closes our stdin
        }
        face.close();
    }
}
