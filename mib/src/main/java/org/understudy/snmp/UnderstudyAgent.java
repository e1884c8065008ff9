package org.understudy.snmp;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.snmp4j.TransportMapping;
import org.snmp4j.agent.BaseAgent;
import org.snmp4j.agent.CommandProcessor;
import org.snmp4j.agent.DuplicateRegistrationException;
import org.snmp4j.agent.DefaultMOContextScope;
import org.snmp4j.agent.DefaultMOQuery;
import org.snmp4j.agent.ManagedObject;
import org.snmp4j.agent.mo.MOScalar;
import org.snmp4j.agent.mo.snmp.SnmpCommunityMIB;
import org.snmp4j.agent.mo.snmp.SnmpNotificationMIB;
import org.snmp4j.agent.mo.snmp.SnmpTargetMIB;
import org.snmp4j.agent.mo.snmp.StorageType;
import org.snmp4j.agent.mo.snmp.VacmMIB;
import org.snmp4j.agent.security.MutableVACM;
import org.snmp4j.mp.MPv3;
import org.snmp4j.security.AuthHMAC192SHA256;
import org.snmp4j.security.PrivAES128;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmUser;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UdpAddress;
import org.snmp4j.transport.DefaultUdpTransportMapping;
import org.understudy.config.Endpoint;
import org.understudy.config.SnmpSecrets;
import org.understudy.config.SnmpUser;
import org.understudy.security.AuthFailures;

/**
 * The SNMP4J agent of one node: UDP on the configured endpoint, SNMPv3 USM users (authPriv, HMAC-SHA-256 and
 * AES-128) in a read-only or an operator VACM group, an optional read-only SNMPv2c community, and views that show only
 * the system group and UNDERSTUDY-MIB (so SNMP4J's own MIBs, 1.3.6.1.4.1.4976 included, are never visible). Only
 * operators have a write view, and it covers UNDERSTUDY-MIB's objects only. Engine ID and boots live in a file of
 * the node's state directory. Notifications are not sent through SNMP4J's notification originator (see
 * {@link Notifier}). Not thread-safe to start or stop concurrently; serving is SNMP4J's (thread-safe).
 */
final class UnderstudyAgent extends BaseAgent {
    private static final Logger LOG = LogManager.getLogger(UnderstudyAgent.class);
    static final OID SYSTEM = new OID("1.3.6.1.2.1.1");
    private static final OctetString READ_VIEW = new OctetString("understudyRead");
    private static final OctetString WRITE_VIEW = new OctetString("understudyWrite");
    private static final OctetString OPERATORS = new OctetString("operators");
    private static final OctetString READERS = new OctetString("readers");
    private static final OctetString V2C_READERS = new OctetString("v2cReaders");
    static final OctetString V2C_SECURITY_NAME = new OctetString("v2c-read-only");

    private final String node;
    private final Endpoint endpoint;
    private final SnmpSecrets secrets;
    private final List<ManagedObject<?>> objects;
    private final List<? extends MOScalar<?>> system;
    private final AuthFailures failures;

    /** @param system scalars that replace SNMP4J's own of the system group (sysContact, sysName, sysLocation) */
    UnderstudyAgent(String node, Endpoint endpoint, SnmpSecrets secrets, File engineFile, File configFile,
                    List<ManagedObject<?>> objects, List<? extends MOScalar<?>> system, AuthFailures failures) {
        super(engineFile, configFile, new CommandProcessor(engineId(engineFile, node)));
        this.failures = failures;
        this.node = node;
        this.endpoint = endpoint;
        this.secrets = secrets;
        this.objects = objects;
        this.system = system;
    }

    /** The engine ID kept in the node's boots file, created once from the node name and randomness. */
    private static OctetString engineId(File engineFile, String node) {
        OctetString fresh = new OctetString(MPv3.createLocalEngineID(
                new OctetString(node + "-" + Long.toHexString(System.nanoTime() ^ Double.doubleToLongBits(Math.random())))));
        return new org.snmp4j.cfg.EngineBootsCounterFile(engineFile).getEngineId(fresh);
    }

    /** Starts answering. */
    void start() throws IOException {
        init();
        finishInit();
        run();
        LOG.info("{}: SNMP agent on udp:{}, engine ID {}, boots {}, {} v3 users, v2c {}", node, endpoint,
                getAgent().getContextEngineID().toHexString(), getEngineBoots(), secrets.users().size(),
                secrets.community() != null ? "read-only" : "off");
    }

    OctetString engineId() {
        return getAgent().getContextEngineID();
    }

    org.snmp4j.Snmp session() {
        return session;
    }

    USM usm() {
        return usm;
    }

    /** v2c and v3 only (no SNMPv1), and a USM of this agent's own rather than SNMP4J's process-wide one. */
    @Override
    protected void initMessageDispatcher() {
        dispatcher = new org.snmp4j.MessageDispatcherImpl();
        usm = new ReportingUsm(org.snmp4j.security.SecurityProtocols.getInstance().addDefaultProtocols(),
                getAgent().getContextEngineID(), updateEngineBoots(), failures);
        mpv3 = new MPv3(usm);
        dispatcher.addMessageProcessingModel(new org.snmp4j.mp.MPv2c());
        dispatcher.addMessageProcessingModel(mpv3);
        initSnmpSession();
    }

    org.snmp4j.smi.TimeTicks upTime() {
        return snmpv2MIB.getUpTime();
    }

    /** The UDP address actually bound (the configured port, or the one picked for port 0). */
    org.snmp4j.smi.Address listenAddress() {
        return transportMappings[0].getListenAddress();
    }

    @Override
    protected void initTransportMappings() throws IOException {
        transportMappings = new TransportMapping<?>[] {
                new DefaultUdpTransportMapping(new UdpAddress(InetAddress.getByName(endpoint.host()), endpoint.port()))};
    }

    /** SNMP4J's system group, with its writable scalars replaced by ours (values from the cluster file, kept). */
    @Override
    protected void registerSnmpMIBs() {
        super.registerSnmpMIBs();
        for (MOScalar<?> mine : system) {
            OID oid = mine.getOid();
            ManagedObject<?> theirs = server.lookup(new DefaultMOQuery(new DefaultMOContextScope(null, oid, true, oid, true)));
            if (theirs != null) {
                server.unregister(theirs, null);
            }
            try {
                server.register(mine, null);
            } catch (DuplicateRegistrationException e) {
                throw new IllegalStateException("system group object " + oid + " registered twice", e);
            }
        }
    }

    @Override
    protected void registerManagedObjects() {
        for (ManagedObject<?> mo : objects) {
            try {
                server.register(mo, null);
            } catch (DuplicateRegistrationException e) {
                throw new IllegalStateException("UNDERSTUDY-MIB registered twice", e);
            }
        }
    }

    @Override
    protected void unregisterManagedObjects() {
        for (ManagedObject<?> mo : objects) {
            server.unregister(mo, null);
        }
    }

    @Override
    protected void addUsmUser(USM usm) {
        for (SnmpUser u : secrets.users()) {
            usm.addUser(new OctetString(u.name()), new UsmUser(new OctetString(u.name()), AuthHMAC192SHA256.ID,
                    new OctetString(u.authPassword()), PrivAES128.ID, new OctetString(u.privPassword())));
        }
    }

    @Override
    protected void addNotificationTargets(SnmpTargetMIB targetMIB, SnmpNotificationMIB notificationMIB) {
        // none: the Notifier sends directly, so SNMP4J's originator never picks a wrong community or blocks
    }

    @Override
    protected void addViews(VacmMIB vacm) {
        for (SnmpUser u : secrets.users()) {
            vacm.addGroup(SecurityModel.SECURITY_MODEL_USM, new OctetString(u.name()), u.operator() ? OPERATORS : READERS,
                    StorageType.readOnly);
        }
        vacm.addAccess(OPERATORS, new OctetString(), SecurityModel.SECURITY_MODEL_USM, SecurityLevel.AUTH_PRIV,
                MutableVACM.VACM_MATCH_EXACT, READ_VIEW, WRITE_VIEW, READ_VIEW, StorageType.readOnly);
        vacm.addAccess(READERS, new OctetString(), SecurityModel.SECURITY_MODEL_USM, SecurityLevel.AUTH_PRIV,
                MutableVACM.VACM_MATCH_EXACT, READ_VIEW, new OctetString(), READ_VIEW, StorageType.readOnly);
        if (secrets.community() != null) {
            vacm.addGroup(SecurityModel.SECURITY_MODEL_SNMPv2c, V2C_SECURITY_NAME, V2C_READERS, StorageType.readOnly);
            vacm.addAccess(V2C_READERS, new OctetString(), SecurityModel.SECURITY_MODEL_SNMPv2c, SecurityLevel.NOAUTH_NOPRIV,
                    MutableVACM.VACM_MATCH_EXACT, READ_VIEW, new OctetString(), new OctetString(), StorageType.readOnly);
        }
        vacm.addViewTreeFamily(READ_VIEW, SYSTEM, new OctetString(), VacmMIB.vacmViewIncluded, StorageType.readOnly);
        vacm.addViewTreeFamily(READ_VIEW, new OID(UnderstudyMib.UNDERSTUDY_MIB), new OctetString(),
                VacmMIB.vacmViewIncluded, StorageType.readOnly);
        vacm.addViewTreeFamily(WRITE_VIEW, new OID(UnderstudyMib.UNDERSTUDY_OBJECTS), new OctetString(),
                VacmMIB.vacmViewIncluded, StorageType.readOnly);
        for (MOScalar<?> s : system) {
            // operators may set sysContact and sysLocation, nothing else of the system group
            if (s.getAccess().isAccessibleForWrite()) {
                vacm.addViewTreeFamily(WRITE_VIEW, s.getOid().trim(), new OctetString(), VacmMIB.vacmViewIncluded,
                        StorageType.readOnly);
            }
        }
    }

    @Override
    protected void addCommunities(SnmpCommunityMIB communityMIB) {
        if (secrets.community() != null) {
            communityMIB.addSnmpCommunityEntry(new OctetString("understudy-v2c"), new OctetString(secrets.community()),
                    V2C_SECURITY_NAME, getAgent().getContextEngineID(), new OctetString(), new OctetString(),
                    StorageType.readOnly);
        }
    }
}
