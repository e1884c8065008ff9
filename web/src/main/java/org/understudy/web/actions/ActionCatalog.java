package org.understudy.web.actions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.understudy.command.Command;
import org.understudy.config.Rates;
import org.understudy.model.Role;

/**
 * Every action the console offers, in the order its pages show them. Adding one is one {@link #add} call with its
 * form and its command (snapshot actions go here too); pages, the action endpoint and the tests read this list.
 * Built once, then read-only: thread-safe.
 */
public final class ActionCatalog {
    private static final Set<Role> STANDBY = Set.of(Role.STANDBY);
    private static final Set<Role> ANY = Set.of(Role.STANDBY, Role.PRIMARY);

    private final Map<String, ActionSpec> actions = new LinkedHashMap<>();

    /** The actions of the command API as the CLI knows them. */
    public static ActionCatalog standard() {
        ActionCatalog c = new ActionCatalog();
        c.add(new ActionSpec("switchover", "Switchover", "Planned handover: the primary drains, the standby catches up "
                + "and stands in; no acknowledged write is lost.", ActionSpec.Scope.PRIMARY, STANDBY, List.of(),
                false, true, (p, f) -> new Command.Switchover(p)));
        c.add(new ActionSpec("failback", "Failback", "Give the role back to the repaired primary: it copies what changed "
                + "while the standby stood in, then serves again.", ActionSpec.Scope.PRIMARY, STANDBY, List.of(),
                false, true, (p, f) -> new Command.Failback(p)));
        c.add(new ActionSpec("failover", "Forced failover", "Fence the primary and stand in now, whatever its state. "
                + "Type the primary's name to confirm.", ActionSpec.Scope.PRIMARY, STANDBY,
                List.of(ActionSpec.Field.REASON), true, true,
                (p, f) -> new Command.ForceFailover(p, Optional.ofNullable(f.optional("reason")).filter(s -> !s.isEmpty())
                        .orElse("forced from the web console"))));
        c.add(new ActionSpec("fence-clear", "Clear fence", "Lift the primary's fence once you know it is safe; it "
                + "serves again at the standby's epoch.", ActionSpec.Scope.PRIMARY, STANDBY, List.of(), false, false,
                (p, f) -> new Command.ClearFence(p)));
        c.add(new ActionSpec("verify", "Verify", "Compare a volume with its replica region by region while clients "
                + "keep writing; mismatches are resynced.", ActionSpec.Scope.PRIMARY, ANY,
                List.of(ActionSpec.Field.VOLUME), false, true, (p, f) -> new Command.Verify(p, f.required("volume"))));
        c.add(new ActionSpec("link-test", "Link test", "Measure round trip and throughput of the primary's "
                + "replication link.", ActionSpec.Scope.PRIMARY, ANY, List.of(), false, false,
                (p, f) -> new Command.LinkTest(p)));
        c.add(new ActionSpec("throttle", "Set cap", "Cap the primary's mirroring or resync bandwidth (0 or off: no cap).",
                ActionSpec.Scope.PRIMARY, ANY, List.of(ActionSpec.Field.TRAFFIC, ActionSpec.Field.RATE), false, false,
                (p, f) -> new Command.SetThrottle(p, traffic(f), rate(f))));
        c.add(new ActionSpec("autoswitch", "Automatic failover", "Switch automatic failover on, or off (vault mode: "
                + "detection and alarms only).", ActionSpec.Scope.CLUSTER, STANDBY, List.of(ActionSpec.Field.ENABLED),
                false, false, (p, f) -> new Command.SetAutoFailover(enabled(f))));
        c.add(new ActionSpec("throttle-all", "Set global cap", "Cap every primary's mirroring or resync bandwidth "
                + "together (0 or off: no cap).", ActionSpec.Scope.CLUSTER, ANY,
                List.of(ActionSpec.Field.TRAFFIC, ActionSpec.Field.RATE), false, false,
                (p, f) -> new Command.SetThrottle(null, traffic(f), rate(f))));
        return c;
    }

    /** Adds an action; its name must be new. */
    public ActionCatalog add(ActionSpec spec) {
        if (actions.putIfAbsent(spec.name(), spec) != null) {
            throw new IllegalArgumentException("action " + spec.name() + " is already in the catalog");
        }
        return this;
    }

    public Optional<ActionSpec> find(String name) {
        return Optional.ofNullable(actions.get(name));
    }

    /** The actions of {@code scope} offered on a node of {@code role}, in catalog order. */
    public List<ActionSpec> offered(ActionSpec.Scope scope, Role role) {
        List<ActionSpec> out = new ArrayList<>();
        for (ActionSpec a : actions.values()) {
            if (a.scope() == scope && a.nodeRoles().contains(role)) {
                out.add(a);
            }
        }
        return Collections.unmodifiableList(out);
    }

    public List<ActionSpec> all() {
        return List.copyOf(actions.values());
    }

    private static Command.Traffic traffic(Form f) throws BadInput {
        String t = f.required("traffic").toLowerCase(Locale.ROOT);
        return switch (t) {
            case "mirror" -> Command.Traffic.MIRROR;
            case "resync" -> Command.Traffic.RESYNC;
            default -> throw new BadInput(400, "traffic: '" + t + "' is neither mirror nor resync");
        };
    }

    private static long rate(Form f) throws BadInput {
        String r = f.required("rate");
        try {
            return Rates.parse(r);
        } catch (IllegalArgumentException e) {
            throw new BadInput(400, "rate: " + e.getMessage());
        }
    }

    private static boolean enabled(Form f) throws BadInput {
        String v = f.required("enabled").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new BadInput(400, "enabled: '" + v + "' is neither on nor off");
        };
    }
}
