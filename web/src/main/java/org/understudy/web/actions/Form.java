package org.understudy.web.actions;

import java.util.Map;

/**
 * The fields of an action request (one value each), checked one by one with messages that name the field. Immutable.
 */
public record Form(Map<String, String> fields) {
    /** Longest value accepted in any field. */
    static final int MAX_VALUE = 512;

    public Form {
        fields = Map.copyOf(fields);
    }

    /** The trimmed value, or {@link BadInput} (400) saying the field is missing or too long. */
    public String required(String name) throws BadInput {
        String v = optional(name);
        if (v == null || v.isEmpty()) {
            throw new BadInput(400, name + ": is missing");
        }
        return v;
    }

    /** The trimmed value, or null when absent. */
    public String optional(String name) throws BadInput {
        String v = fields.get(name);
        if (v == null) {
            return null;
        }
        if (v.length() > MAX_VALUE) {
            throw new BadInput(400, name + ": is " + v.length() + " characters, at most " + MAX_VALUE + " are accepted");
        }
        return v.trim();
    }
}
