package org.understudy.installer.deploy;

import java.util.List;
import org.understudy.cli.TextTable;

/**
 * One pre-flight check of one node: what was checked, whether it passed, and what was found (with how to fix it
 * when it failed). Immutable.
 */
public record Check(String node, String what, boolean ok, String detail) {
    public static Check pass(String node, String what, String detail) {
        return new Check(node, what, true, detail);
    }

    public static Check fail(String node, String what, String detail) {
        return new Check(node, what, false, detail);
    }

    /** The pre-flight table: one row per check. */
    public static String table(List<Check> checks) {
        TextTable t = new TextTable("NODE", "CHECK", "RESULT", "DETAIL");
        for (Check c : checks) {
            t.row(c.node(), c.what(), c.ok() ? "ok" : "FAILED", c.detail());
        }
        return t.render();
    }
}
