/**
 * Live pages over Server-Sent Events: one rendering per followed view and round, only the changed fragments sent,
 * the whole view again after a (re)connect; Jetty's EventSource servlet carries the streams.
 *
 * <p>May use: Jetty's ee10 servlets only; what it renders comes through {@code ViewRenderer}.
 */
package org.understudy.web.live;
