/**
 * The load harness: many primaries run in one JVM with their real engines (mirroring, heartbeats, fencing, admin API;
 * each with its own state directory, address and links, none of the management faces), driving a real standby
 * process, plus a steady write load through the devices their NBD exports serve. {@code understudy fleet} is what
 * {@code bench/scale.sh} and {@code bench/soak.sh} run; it exists because a hundred primary JVMs do not fit one test
 * machine.
 *
 * <p>May use: {@code primary/} (through {@code PrimaryEngines}), {@code daemon/}, {@code demo/} (the cluster layout),
 * {@code config/}, {@code storage/}. Nothing depends on it.
 */
package org.understudy.fleet;
