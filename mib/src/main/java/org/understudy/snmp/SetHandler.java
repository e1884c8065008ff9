package org.understudy.snmp;

import static org.understudy.snmp.UnderstudyMib.*;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.snmp4j.PDU;
import org.snmp4j.agent.request.SubRequest;
import org.snmp4j.smi.Integer32;
import org.snmp4j.smi.OID;
import org.snmp4j.smi.OctetString;
import org.snmp4j.smi.UnsignedInteger32;
import org.snmp4j.smi.Variable;
import org.snmp4j.smi.VariableBinding;
import org.understudy.command.Actor;
import org.understudy.command.Command;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.config.ClusterConfig;
import org.understudy.model.ActorFace;

/**
 * SNMP SETs of UNDERSTUDY-MIB: usActionSpinLock, usAutoFailover, usPrimaryAction, usVolumeThrottle, and on the
 * standby usSnapshotCreate and usSnapshotAction (snapshots of a primary's replicas). Every write
 * becomes a command of the {@link CommandApi} (authorised and audited there, with the SNMP user as the actor).
 *
 * <p>Commands run during SNMP4J's prepare phase, because only then can a refusal still be answered as the error the
 * MIB promises: REFUSED is {@code inconsistentValue} (RFC 3416: the value could be held under other circumstances),
 * FAILED is {@code genErr} (it was tried and failed for a reason no other error names). The SET waits at most
 * {@code acceptWaitMs} for the outcome; a longer command answers success with usLastActionResult inProgress(2), and
 * the outcome lands in usLastAction* when it ends. A SET with several writes is not atomic: writes are carried out
 * in varbind order and the first error stops the rest. Thread-safe.
 */
final class SetHandler {
    private static final Logger LOG = LogManager.getLogger(SetHandler.class);
    private static final Object SPIN_CHECKED = new Object();
    private static final OID SPIN = new OID(scalarInstance(US_ACTION_SPIN_LOCK));
    private static final OID AUTO = new OID(scalarInstance(US_AUTO_FAILOVER));
    private static final OID ACTION_COLUMN = new OID(columnInstance(US_PRIMARY_ENTRY, US_PRIMARY_ACTION));
    private static final OID THROTTLE_COLUMN = new OID(columnInstance(US_VOLUME_ENTRY, US_VOLUME_THROTTLE));
    private static final OID RESYNC_CAP_COLUMN = new OID(columnInstance(US_PRIMARY_ENTRY, US_PRIMARY_RESYNC_CAP));
    private static final OID SNAPSHOT_CREATE_COLUMN = new OID(columnInstance(US_SNAPSHOT_SPACE_ENTRY,
            US_SNAPSHOT_CREATE));
    private static final OID SNAPSHOT_ACTION_COLUMN = new OID(columnInstance(US_SNAPSHOT_ENTRY, US_SNAPSHOT_ACTION));
    private static final OID OBJECTS = new OID(UNDERSTUDY_OBJECTS);

    private final String node;
    private final boolean standby;
    private final ClusterConfig cluster;
    private final CommandApi commands;
    private final FaceMemory memory;
    private final BiPredicate<String, Integer> operator;
    private final Executor executor;
    private final Clock clock;
    private final long acceptWaitMs;

    /**
     * @param operator     whether a security name under a security model is in the operator group
     * @param executor     runs commands (so a slow one does not hold the SNMP worker past {@code acceptWaitMs})
     */
    SetHandler(String node, boolean standby, ClusterConfig cluster, CommandApi commands, FaceMemory memory,
               BiPredicate<String, Integer> operator, Executor executor, Clock clock, long acceptWaitMs) {
        this.node = node;
        this.standby = standby;
        this.cluster = cluster;
        this.commands = commands;
        this.memory = memory;
        this.operator = operator;
        this.executor = executor;
        this.clock = clock;
        this.acceptWaitMs = acceptWaitMs;
    }

    void prepare(SubRequest<?> r, MibTree tree) {
        VariableBinding vb = r.getVariableBinding();
        OID oid = vb.getOid();
        Variable v = vb.getVariable();
        if (!checkSpinLock(r)) {
            return;
        }
        int status;
        if (oid.equals(SPIN)) {
            status = v instanceof Integer32 ? PDU.noError : PDU.wrongType;
        } else if (oid.equals(AUTO)) {
            status = autoFailover(r, v);
        } else if (oid.startsWith(ACTION_COLUMN) && oid.size() == ACTION_COLUMN.size() + 1 && tree.get(oid) != null) {
            status = action(r, primaryAt(oid.get(ACTION_COLUMN.size())), v);
        } else if (oid.startsWith(RESYNC_CAP_COLUMN) && oid.size() == RESYNC_CAP_COLUMN.size() + 1
                && tree.get(oid) != null) {
            status = throttle(r, primaryAt(oid.get(RESYNC_CAP_COLUMN.size())), v);
        } else if (oid.startsWith(THROTTLE_COLUMN) && oid.size() == THROTTLE_COLUMN.size() + 2 && tree.get(oid) != null) {
            // deprecated per-row view: it always set the cap of the row's primary
            status = throttle(r, primaryAt(oid.get(THROTTLE_COLUMN.size())), v);
        } else if (oid.startsWith(SNAPSHOT_CREATE_COLUMN) && oid.size() == SNAPSHOT_CREATE_COLUMN.size() + 1
                && tree.get(oid) != null) {
            status = createSnapshot(r, primaryAt(oid.get(SNAPSHOT_CREATE_COLUMN.size())), v);
        } else if (oid.startsWith(SNAPSHOT_ACTION_COLUMN) && oid.size() == SNAPSHOT_ACTION_COLUMN.size() + 2
                && tree.get(oid) != null) {
            status = snapshotAction(r, oid, tree, v);
        } else if (tree.get(oid) != null) {
            status = PDU.notWritable;
        } else {
            status = oid.startsWith(OBJECTS) ? PDU.noCreation : PDU.notWritable;
        }
        if (status != PDU.noError) {
            LOG.info("{}: SNMP SET of {} by {} answered {}", node, oid, who(r), PDU.toErrorStatusText(status));
            r.getStatus().setErrorStatus(status);
        } else {
            r.completed();
        }
    }

    void commit(SubRequest<?> r) {
        r.completed();
    }

    /** TestAndIncr: if the SET carries the spin lock, it must match, and then advances, once per request. */
    private boolean checkSpinLock(SubRequest<?> r) {
        var request = r.getRequest();
        if (request.getProcessingUserObject(SPIN_CHECKED) != null) {
            return true;
        }
        for (var it = request.iterator(); it.hasNext(); ) {
            SubRequest<?> s = (SubRequest<?>) it.next();
            VariableBinding vb = s.getVariableBinding();
            if (!vb.getOid().equals(SPIN)) {
                continue;
            }
            if (!(vb.getVariable() instanceof Integer32 i)) {
                r.getStatus().setErrorStatus(PDU.wrongType);
                return false;
            }
            if (i.getValue() < 0) {
                r.getStatus().setErrorStatus(PDU.wrongValue);
                return false;
            }
            int expected = i.getValue();
            if (!memory.advanceSpinLock(expected)) {
                LOG.info("{}: SNMP SET by {} carried usActionSpinLock {} but it is {}: inconsistentValue", node, who(r),
                        expected, memory.spinLock());
                r.getStatus().setErrorStatus(PDU.inconsistentValue);
                return false;
            }
        }
        request.setProcessingUserObject(SPIN_CHECKED, Boolean.TRUE);
        return true;
    }

    private int autoFailover(SubRequest<?> r, Variable v) {
        if (!(v instanceof Integer32 i)) {
            return PDU.wrongType;
        }
        if (i.getValue() != TruthValue.TRUE && i.getValue() != TruthValue.FALSE) {
            return PDU.wrongValue;
        }
        if (!standby) {
            return PDU.notWritable;
        }
        return status(run(r, new Command.SetAutoFailover(i.getValue() == TruthValue.TRUE), null));
    }

    private int action(SubRequest<?> r, String primary, Variable v) {
        if (!(v instanceof Integer32 i)) {
            return PDU.wrongType;
        }
        int a = i.getValue();
        if (a < PrimaryAction.NO_ACTION || a > PrimaryAction.CLEAR_FENCE) {
            return PDU.wrongValue;
        }
        if (!standby) {
            return PDU.notWritable;
        }
        if (a == PrimaryAction.NO_ACTION) {
            return PDU.noError;
        }
        Command c = switch (a) {
            case PrimaryAction.SWITCHOVER -> new Command.Switchover(primary);
            case PrimaryAction.FORCE_FAILOVER -> new Command.ForceFailover(primary, "requested over SNMP by " + who(r));
            case PrimaryAction.FAILBACK -> new Command.Failback(primary);
            default -> new Command.ClearFence(primary);
        };
        return status(run(r, c, a));
    }

    private int throttle(SubRequest<?> r, String primary, Variable v) {
        if (!(v instanceof UnsignedInteger32 u) || v.getSyntax() != org.snmp4j.smi.SMIConstants.SYNTAX_GAUGE32) {
            return PDU.wrongType;
        }
        long kib = u.getValue();
        return status(run(r, new Command.SetThrottle(primary, Command.Traffic.RESYNC, kib * 1024), null));
    }

    private int createSnapshot(SubRequest<?> r, String primary, Variable v) {
        if (!(v instanceof OctetString name)) {
            return PDU.wrongType;
        }
        if (name.length() > 64) {
            return PDU.wrongLength;
        }
        if (!standby) {
            return PDU.notWritable;
        }
        String n = name.toString().trim();
        return status(run(r, new Command.CreateSnapshot(primary, null, n.isEmpty() ? null : n), null));
    }

    private int snapshotAction(SubRequest<?> r, OID oid, MibTree tree, Variable v) {
        if (!(v instanceof Integer32 i)) {
            return PDU.wrongType;
        }
        if (i.getValue() != SnapshotAction.NO_ACTION && i.getValue() != SnapshotAction.DELETE) {
            return PDU.wrongValue;
        }
        if (!standby) {
            return PDU.notWritable;
        }
        if (i.getValue() == SnapshotAction.NO_ACTION) {
            return PDU.noError;
        }
        int pi = oid.get(SNAPSHOT_ACTION_COLUMN.size());
        int si = oid.get(SNAPSHOT_ACTION_COLUMN.size() + 1);
        Variable name = tree.get(new OID(columnInstance(US_SNAPSHOT_ENTRY, US_SNAPSHOT_NAME, pi, si)));
        if (name == null) {
            return PDU.noCreation;
        }
        return status(run(r, new Command.DeleteSnapshot(primaryAt(pi), null, name.toString()), null));
    }

    /**
     * Runs a command as the request's user, waiting up to {@code acceptWaitMs}; null when it is still running.
     * For a usPrimaryAction ({@code action} not null) the last-action objects follow it.
     */
    private CommandResult run(SubRequest<?> r, Command c, Integer action) {
        var req = r.getRequest();
        String user = who(r);
        Actor actor = new Actor(user, ActorFace.SNMP, operator.test(user, req.getSecurityModel()));
        FaceMemory.LastAction pending = null;
        if (action != null) {
            pending = new FaceMemory.LastAction(c.target(), action, ActionResult.IN_PROGRESS, clock.instant(),
                    c.name() + " of " + c.target() + " requested by " + user + ", running");
            memory.lastAction(pending);
        }
        CompletableFuture<CommandResult> f = CompletableFuture.supplyAsync(() -> commands.execute(actor, c), executor);
        if (pending != null) {
            FaceMemory.LastAction p = pending;
            f.whenComplete((res, e) -> memory.completeAction(p, done(p, c, user, res, e)));
        }
        try {
            CommandResult res = f.get(acceptWaitMs, TimeUnit.MILLISECONDS);
            if (pending != null) {
                // also here, not only in whenComplete, so the outcome is readable as soon as the SET is answered
                memory.completeAction(pending, done(pending, c, user, res, null));
            }
            return res;
        } catch (TimeoutException e) {
            LOG.info("{}: {} of {} by {} still running after {} ms; answering the SET, outcome in usLastActionResult",
                    node, c.name(), c.target(), user, acceptWaitMs);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return CommandResult.failed(c.name() + " failed: " + e.getCause());
        }
    }

    private FaceMemory.LastAction done(FaceMemory.LastAction p, Command c, String user, CommandResult res, Throwable e) {
        int result;
        String detail;
        if (res == null) {
            result = ActionResult.FAILED;
            detail = c.name() + " of " + c.target() + " by " + user + " failed: " + e;
        } else {
            result = switch (res.status()) {
                case OK -> ActionResult.SUCCEEDED;
                case REFUSED -> ActionResult.REJECTED;
                case FAILED -> ActionResult.FAILED;
            };
            detail = c.name() + " of " + c.target() + " by " + user + ": " + res.status().name().toLowerCase(java.util.Locale.ROOT)
                    + (res.message() == null || res.message().isEmpty() ? "" : ": " + res.message());
        }
        return new FaceMemory.LastAction(p.primary(), p.requested(), result, clock.instant(), detail);
    }

    private static int status(CommandResult res) {
        if (res == null || res.ok()) {
            return PDU.noError;
        }
        return res.status() == CommandResult.Status.REFUSED ? PDU.inconsistentValue : PDU.genErr;
    }

    private String primaryAt(int index) {
        return cluster.primaries().get(index - 1).name();
    }

    private static String who(SubRequest<?> r) {
        OctetString s = r.getRequest().getSecurityName();
        return s == null ? "unknown" : s.toString();
    }
}
