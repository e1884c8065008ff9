package org.understudy.web.html;

/**
 * A small HTML writer that escapes every value it is given: text and attribute values from the model, the
 * configuration or the network never reach the page unescaped. Only {@link #raw} takes markup as it is, for
 * constant strings and fragments another {@code Html} built. Not thread-safe: one per rendering.
 */
public final class Html {
    private final StringBuilder b;

    public Html() {
        this(4096);
    }

    public Html(int capacity) {
        b = new StringBuilder(capacity);
    }

    /** {@code s} with {@code & < > " '} replaced by entities; "" for null. */
    public static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (rep == null && Character.isISOControl(c) && c != '\n' && c != '\t') {
                rep = "\uFFFD";
            }
            if (rep != null) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                out.append(rep);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /**
     * Opens {@code tag} with attributes given as name, value pairs; values are escaped, a null value leaves the
     * attribute out, and an empty name is ignored.
     */
    public Html open(String tag, String... attrs) {
        b.append('<').append(tag);
        for (int i = 0; i + 1 < attrs.length; i += 2) {
            if (attrs[i + 1] != null && !attrs[i].isEmpty()) {
                b.append(' ').append(attrs[i]).append("=\"").append(esc(attrs[i + 1])).append('"');
            }
        }
        b.append('>');
        return this;
    }

    public Html close(String tag) {
        b.append("</").append(tag).append('>');
        return this;
    }

    /** An element holding escaped text: {@code <tag attrs>text</tag>}. */
    public Html el(String tag, Object text, String... attrs) {
        return open(tag, attrs).text(text).close(tag);
    }

    /** Escaped text. */
    public Html text(Object value) {
        b.append(esc(value));
        return this;
    }

    /** Markup taken as it is: constants, or what another {@code Html} rendered. */
    public Html raw(String markup) {
        b.append(markup);
        return this;
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
