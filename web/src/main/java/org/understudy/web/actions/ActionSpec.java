package org.understudy.web.actions;

import java.util.List;
import java.util.Set;
import org.understudy.command.Command;
import org.understudy.model.Role;

/**
 * One operator action the console offers: its form (which fields it asks for) and how a filled form becomes a
 * {@link Command} for the command API. Immutable.
 *
 * @param name          the command API's name, also the URL: {@code POST /actions/NAME}
 * @param label         the button's text
 * @param help          one line for the operator: what it does and what to expect
 * @param scope         whether it acts on one primary (its page shows it) or on the cluster (the overview does)
 * @param nodeRoles     on which nodes' consoles it is offered (the standby runs failovers; verify and throttle run
 *                      anywhere: the standby passes them on)
 * @param fields        what the form asks for besides the primary
 * @param confirmByName the operator must type the primary's name to confirm (forced failover)
 * @param followed      a long action whose steps and progress the console shows live until it ends
 * @param build         the command from the form
 */
public record ActionSpec(String name, String label, String help, Scope scope, Set<Role> nodeRoles, List<Field> fields,
                         boolean confirmByName, boolean followed, Builder build) {
    public ActionSpec {
        nodeRoles = Set.copyOf(nodeRoles);
        fields = List.copyOf(fields);
    }

    /** Where an action applies. */
    public enum Scope { PRIMARY, CLUSTER }

    /** Inputs a form can ask for. */
    public enum Field {
        /** One of the primary's volumes. */
        VOLUME,
        /** mirror or resync. */
        TRAFFIC,
        /** A bandwidth cap, e.g. {@code 20MB/s}, {@code off}. */
        RATE,
        /** Free text recorded with the action. */
        REASON,
        /** on or off. */
        ENABLED
    }

    /** Turns a filled form into the command; {@code primary} is null for cluster actions. */
    @FunctionalInterface
    public interface Builder {
        Command build(String primary, Form form) throws BadInput;
    }
}
