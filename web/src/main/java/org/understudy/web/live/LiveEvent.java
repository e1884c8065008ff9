package org.understudy.web.live;

/**
 * One Server-Sent Event: its name and its data. A page replaces the element with id {@code ID} on a
 * {@code fragment} event whose data is {@code ID\nHTML}; graphs take {@code series} (new points) and
 * {@code series-all} (the whole hour). Immutable.
 */
public record LiveEvent(String name, String data) {
    /** An HTML fragment for the element {@code id}. */
    public static LiveEvent fragment(String id, String html) {
        return new LiveEvent("fragment", id + "\n" + html);
    }
}
