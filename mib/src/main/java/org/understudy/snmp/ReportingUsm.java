package org.understudy.snmp;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.snmp4j.ScopedPDU;
import org.snmp4j.TransportStateReference;
import org.snmp4j.asn1.BERInputStream;
import org.snmp4j.asn1.BEROutputStream;
import org.snmp4j.mp.SnmpConstants;
import org.snmp4j.mp.StatusInformation;
import org.snmp4j.security.SecurityLevel;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.security.SecurityParameters;
import org.snmp4j.security.SecurityProtocols;
import org.snmp4j.security.SecurityStateReference;
import org.snmp4j.security.USM;
import org.snmp4j.security.UsmSecurityParameters;
import org.snmp4j.smi.Address;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.TransportIpAddress;
import org.understudy.security.AuthFace;
import org.understudy.security.AuthFailure;
import org.understudy.security.AuthFailures;

/**
 * The agent's USM, which reports every message it refuses for authentication to {@link AuthFailures}: an unknown
 * user name, a wrong digest (wrong authentication password) and a decryption error (wrong privacy password), with the
 * manager's address and the user name it tried. Engine discovery and time synchronisation (unknown engine ID, not in
 * the time window) are part of every manager's first exchange and are not failures. AES has no integrity check of
 * its own, so a wrong privacy password passes the digest and decrypts to garbage that SNMP4J only notices when it
 * parses the PDU (a parse error, never a USM status): a decrypted PDU that does not parse is reported here as the
 * decryption error it is. Thread-safe as USM is.
 */
final class ReportingUsm extends USM {
    private final AuthFailures failures;

    ReportingUsm(SecurityProtocols protocols, OctetString engineId, int engineBoots, AuthFailures failures) {
        super(protocols, engineId, engineBoots);
        this.failures = failures;
    }

    @Override
    public int processIncomingMsg(int messageProcessingModel, int maxMessageSize, SecurityParameters params,
                                  SecurityModel securityModel, int securityLevel, BERInputStream wholeMsg,
                                  TransportStateReference tmStateReference, OctetString securityEngineID,
                                  OctetString securityName, BEROutputStream scopedPDU,
                                  Integer32 maxSizeResponseScopedPDU, SecurityStateReference securityStateReference,
                                  StatusInformation statusInfo) throws IOException {
        int status = super.processIncomingMsg(messageProcessingModel, maxMessageSize, params, securityModel,
                securityLevel, wholeMsg, tmStateReference, securityEngineID, securityName, scopedPDU,
                maxSizeResponseScopedPDU, securityStateReference, statusInfo);
        String reason = reason(status);
        if (status == SnmpConstants.SNMPv3_USM_OK && securityLevel == SecurityLevel.AUTH_PRIV
                && !parses(scopedPDU)) {
            reason = reason(SnmpConstants.SNMPv3_USM_DECRYPTION_ERROR);
        }
        if (reason != null) {
            String user = params instanceof UsmSecurityParameters u && u.getUserName() != null
                    ? new String(u.getUserName().getValue(), StandardCharsets.UTF_8) : "";
            failures.record(new AuthFailure(AuthFace.SNMP, source(tmStateReference), user, reason));
        }
        return status;
    }

    /** The refusals that are authentication failures; null for success and for the discovery steps. */
    static String reason(int status) {
        return switch (status) {
            case SnmpConstants.SNMPv3_USM_UNKNOWN_SECURITY_NAME -> "unknown user";
            case SnmpConstants.SNMPv3_USM_AUTHENTICATION_FAILURE -> "wrong digest (authentication password)";
            case SnmpConstants.SNMPv3_USM_DECRYPTION_ERROR -> "decryption error (privacy password)";
            default -> null;
        };
    }

    /** Whether the decrypted scoped PDU decodes (read from a copy: the message processor reads it next). */
    private static boolean parses(BEROutputStream scopedPDU) {
        try {
            new ScopedPDU().decodeBER(new BERInputStream(scopedPDU.rewind().duplicate()));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String source(TransportStateReference ref) {
        Address a = ref == null ? null : ref.getAddress();
        if (a instanceof TransportIpAddress ip) {
            InetAddress inet = ip.getInetAddress();
            return inet == null ? a.toString() : inet.getHostAddress();
        }
        return a == null ? "unknown" : a.toString();
    }
}
