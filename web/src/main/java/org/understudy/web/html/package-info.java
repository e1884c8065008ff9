/**
 * Writing HTML safely ({@code Html} escapes every value it is given) and figures for people ({@code Format}).
 *
 * <p>May use: the JDK only.
 */
package org.understudy.web.html;
