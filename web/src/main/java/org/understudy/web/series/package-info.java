/**
 * The graphs' memory: an hour of samples per volume in fixed rings.
 *
 * <p>May use: the model, Jackson.
 */
package org.understudy.web.series;
