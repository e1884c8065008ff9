package org.understudy.events;

import org.understudy.model.EventEntry;

/** The longest texts a stored row keeps, the same in every store, and how a longer one is cut. Stateless. */
final class RowLimits {
    static final int MESSAGE_MAX = 2000;
    static final int DETAILS_MAX = 32_000;
    static final int SHORT_MAX = 256;

    private RowLimits() {
    }

    /** {@code value} cut to {@code max} characters, the last one an ellipsis; null stays null. */
    static String cut(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max - 1) + "…";
    }

    /** Details longer than {@link #DETAILS_MAX}: cut JSON is not JSON, so say what happened instead of storing half. */
    static String details(EventEntry e) {
        String details = e.details();
        return details != null && details.length() > DETAILS_MAX
                ? "{\"truncated\":true,\"length\":" + details.length() + "}" : details;
    }
}
