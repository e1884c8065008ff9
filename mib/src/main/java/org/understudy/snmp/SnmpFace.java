package org.understudy.snmp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.snmp4j.security.SecurityModel;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.understudy.config.Endpoint;
import org.understudy.config.SnmpSecrets;
import org.understudy.config.SnmpUser;
import org.understudy.config.StandbyConfig;
import org.understudy.face.FaceContext;
import org.understudy.face.ManagementFace;
import org.understudy.model.AlarmChange;
import org.understudy.model.AlarmSource;
import org.understudy.model.ModelEvent;
import org.understudy.model.Version;

/**
 * The SNMP face: an SNMP4J agent serving UNDERSTUDY-MIB from the state model, acting through the command API, and
 * sending the MIB's notifications for model events and alarm changes. Started by the daemon through
 * {@link java.util.ServiceLoader} on every node whose cluster-file entry has an {@code snmp:} block; without one it
 * does nothing. The standby answers for the whole cluster, a primary for itself.
 *
 * <p>Reads are served from a tree rendered from one model snapshot and kept until the model announces a change (an
 * event or an alarm change) or for {@value #TREE_TTL_MS} ms (counters), so a walk is consistent and the model is
 * asked about once per walk. Start and close are called once each by the daemon; serving is
 * thread-safe.
 */
public final class SnmpFace implements ManagementFace {
    private static final Logger LOG = LogManager.getLogger(SnmpFace.class);
    /**
     * How long one rendering of the MIB is served while no event or alarm change says the model changed: what moves
     * without an event (counters, a link cap set on this primary through the standby) shows within this.
     */
    static final long TREE_TTL_MS = 300;
    /** A model change renders the tree anew once it is this old: at most 20 renderings a second in an event storm. */
    static final long TREE_MIN_AGE_MS = 50;
    /**
     * How long a SET waits for its command before answering with the outcome pending. SNMP4J serves requests on its
     * listener thread, so this also bounds how long other managers' requests wait behind a slow action; refusals come
     * back well within it.
     */
    static final long ACCEPT_WAIT_MS = 1000;
    static final String ENGINE_FILE = "snmp-engine.boots";

    private UnderstudyAgent agent;
    private Notifier notifier;
    private ExecutorService executor;
    private FaceMemory memory;
    private TreeCache cache;
    private java.util.function.Supplier<MibTree> fresh;
    private AlarmSource.Subscription eventSub;
    private AlarmSource.Subscription alarmSub;

    @Override
    public String name() {
        return "snmp";
    }

    @Override
    public void start(FaceContext ctx) throws Exception {
        String node = ctx.node().name();
        Optional<Endpoint> endpoint = ctx.cluster().snmp().agent(node);
        if (endpoint.isEmpty()) {
            // before SNMP4J's logging is installed: a node without an snmp block loads no class of SNMP4J's
            LOG.info("{}: no snmp block in the cluster file for this node: no SNMP agent", node);
            return;
        }
        Snmp4jLogging.install();
        SnmpSecrets secrets = ctx.cluster().secrets().snmp();
        if (secrets.users().isEmpty() && secrets.community() == null) {
            LOG.warn("{}: the secrets file has no SNMP users and no community: the agent will answer nobody", node);
        }
        boolean standby = ctx.node() instanceof StandbyConfig;
        memory = new FaceMemory();
        MibRenderer renderer = new MibRenderer(ctx.cluster(), ctx.node());
        fresh = () -> renderer.render(ctx.model().snapshot(), memory);
        cache = new TreeCache(fresh, System::nanoTime, TREE_TTL_MS, TREE_MIN_AGE_MS);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        SetHandler sets = new SetHandler(node, standby, ctx.cluster(), ctx.commands(), memory,
                (user, model) -> model == SecurityModel.SECURITY_MODEL_USM
                        && secrets.user(user).map(SnmpUser::operator).orElse(false),
                executor, Clock.systemUTC(), ACCEPT_WAIT_MS);
        Path dir = ctx.stateDir();
        Files.createDirectories(dir);
        SystemGroup system = new SystemGroup(node, ctx.cluster().snmp().system(node), dir);
        agent = new UnderstudyAgent(node, endpoint.get(), secrets, dir.resolve(ENGINE_FILE).toFile(),
                dir.resolve("snmp-agent.cfg").toFile(), List.of(new UnderstudyObjects(cache, sets)), system.scalars(),
                ctx.authFailures());
        agent.setSysDescr(new OctetString("Understudy " + Version.current() + " " + (standby ? "standby" : "primary")
                + " " + node + " of cluster " + ctx.cluster().name()));
        agent.setSysOID(new OID(UnderstudyMib.UNDERSTUDY_MIB));
        agent.start();
        notifier = new Notifier(node, agent.session(), agent.engineId(), agent::upTime, ctx.cluster().snmp().targets());
        notifier.start();
        // the agent (re)starts: coldStart when the cluster file changed since the last start, else warmStart
        Notification start = StartNotice.of(ctx.cluster().file(), dir);
        notifier.enqueue(() -> start);
        NotificationBuilder builder = new NotificationBuilder(node, standby);
        eventSub = ctx.events().subscribe(e -> onEvent(e, builder));
        alarmSub = ctx.alarms().subscribe(c -> onAlarm(c, builder));
        LOG.info("{}: SNMP face serving udp:{} ({} notification receivers)", node, agent.listenAddress(),
                ctx.cluster().snmp().targets().size());
    }

    /** Called on the publisher's thread: only counts and queues. */
    private void onEvent(ModelEvent e, NotificationBuilder builder) {
        cache.changed();
        switch (e) {
            default -> {
                // a notification carries the state after its event: a tree of its own, rendered now, which leaves
                // the walks' cache alone (an event storm must not make every request of a walk render)
                notifier.enqueue(() -> builder.fromEvent(e, fresh.get()).orElse(null));
            }
        }
    }

    /** Called under the alarm registry's lock: only records and queues. */
    private void onAlarm(AlarmChange c, NotificationBuilder builder) {
        cache.changed();
        switch (c.type()) {
            case RAISED -> notifier.enqueue(() -> builder.alarmRaised(c.after()));
            case CLEARED -> {
                memory.cleared(c.before(), c.at());
                notifier.enqueue(() -> builder.alarmCleared(c.before(), c.at()));
            }
            case UPDATED -> { }
        }
    }

    /** The UDP address the agent listens on; null before start or without an agent. */
    public String listenAddress() {
        return agent == null ? null : agent.listenAddress().toString();
    }

    /** The agent's SNMP engine ID as hex (for snmptrapd's createUser -e); null without an agent. */
    public String engineIdHex() {
        return agent == null ? null : agent.engineId().toHexString().replace(":", "");
    }

    /** Informs acknowledged by receivers since start. */
    public long acknowledgedInforms() {
        return notifier == null ? 0 : notifier.acknowledgedInforms();
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {eventSub, alarmSub, notifier}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.warn("SNMP face: closing {} failed: {}", c, e.toString());
            }
        }
        if (agent != null) {
            try {
                agent.stop();
            } catch (RuntimeException e) {
                LOG.warn("SNMP face: stopping the agent failed: {}", e.toString());
            }
            agent = null;
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
