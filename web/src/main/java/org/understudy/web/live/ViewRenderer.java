package org.understudy.web.live;

import java.util.Map;

/**
 * Renders what live pages show, once per view however many pages follow it. Keys are slots (an element id, or
 * "series"): the hub sends a slot again only when its event changed.
 *
 * @param <S> one consistent state of the node (a model snapshot and what goes with it)
 */
public interface ViewRenderer<S> {
    /** Whether {@code view} names something this node shows (e.g. {@code primary/p1} of a known primary). */
    boolean knows(String view, S state);

    /** The events that keep a page of {@code view} current. */
    Map<String, LiveEvent> update(String view, S state);

    /** Everything a page of {@code view} needs after (re)connecting: the update plus whatever it only appends to. */
    Map<String, LiveEvent> full(String view, S state);
}
