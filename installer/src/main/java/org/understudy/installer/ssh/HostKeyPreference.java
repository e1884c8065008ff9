package org.understudy.installer.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * Asks a host first for the types of host key known_hosts already holds for it, as OpenSSH does. A stock sshd offers
 * several (Ed25519, ECDSA, RSA) and known_hosts usually holds one of them; without this the key exchange would pick
 * MINA SSHD's first choice (ECDSA), find a key of another type than the one on file and refuse it as changed. The
 * types are looked up before connecting and travel in the connection's context; the session listener reorders the
 * host key algorithms of the proposal (nothing is added or removed). Stateless.
 */
final class HostKeyPreference implements SessionListener {
    private static final Logger LOG = LogManager.getLogger(HostKeyPreference.class);
    private static final AttributeKey<List<String>> KNOWN_TYPES = new AttributeKey<>();

    /**
     * The connection context for {@code host:port}: the key types of its entries in {@code knownHosts} (none when the
     * file is missing or has no entry: then the default order stands).
     */
    static AttributeRepository context(Path knownHosts, String host, int port) throws IOException {
        Set<String> types = new LinkedHashSet<>();
        if (Files.isRegularFile(knownHosts)) {
            for (KnownHostEntry e : KnownHostEntry.readKnownHostEntries(knownHosts)) {
                if (e.getMarker() == null && e.getKeyEntry() != null && e.isHostMatch(host, port)) {
                    types.add(e.getKeyEntry().getKeyType());
                }
            }
        }
        return AttributeRepository.ofKeyValuePair(KNOWN_TYPES, List.copyOf(types));
    }

    /** {@code offered} (comma-separated host key algorithms) with those for a type in {@code known} first. */
    static String knownFirst(String offered, List<String> known) {
        List<String> first = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String alg : offered.split(",")) {
            (known.contains(KeyUtils.getCanonicalKeyType(alg)) ? first : rest).add(alg);
        }
        first.addAll(rest);
        return String.join(",", first);
    }

    @Override
    public void sessionNegotiationOptionsCreated(Session session, Map<KexProposalOption, String> proposal) {
        if (!(session instanceof ClientSession cs) || cs.getConnectionContext() == null) {
            return;
        }
        List<String> known = cs.getConnectionContext().getAttribute(KNOWN_TYPES);
        String offered = proposal.get(KexProposalOption.SERVERKEYS);
        if (known == null || known.isEmpty() || offered == null) {
            return;
        }
        String ordered = knownFirst(offered, known);
        proposal.put(KexProposalOption.SERVERKEYS, ordered);
        LOG.debug("{}: known_hosts holds host keys of type {}; host key algorithms asked for: {}",
                cs.getConnectAddress(), known, ordered);
    }
}
