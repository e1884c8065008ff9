/**
 * Prometheus metrics of the model (the prometheus-metrics library builds and writes them) and {@code /metrics}.
 *
 * <p>May use: the model, {@code security/} (refusal counts).
 */
package org.understudy.web.metrics;
