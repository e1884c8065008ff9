/**
 * The health engine: who is alive, on which path, decided with numbers.
 *
 * <p>Wiring on the standby (one {@code HealthDetector} for every primary, its listener the failover engine):
 * <pre>{@code
 * HeartbeatCodec codec = new HeartbeatCodec(secrets.clusterKey());
 * HealthDetector detector = new HealthDetector("standby", System::nanoTime, InstantSource.system(), scheduler,
 *         probeExecutor, HealthDetector.Settings.DEFAULTS, failoverEngine);
 * for each path:  new HeartbeatReceiver("standby", pathId, new UdpTransport(...), codec, detector);
 * for each primary: detector.watch(name, paths, probe);      // probe: NBD handshake per export, TCP or script
 * replication link, on every valid frame from a primary:  detector.heardOn(primary, "link");
 *                   when the primary's kernel closed a link:   detector.closedByPeer(primary, "link", how);
 * (watch(name, paths, probe, grace) with a non-zero grace turns the fast, process-dead path on for that primary)
 * HeartbeatSender (the standby's heartbeats to every primary, their "acknowledgements"); detector.start();
 * }</pre>
 * On a primary, {@link org.understudy.health.StandbyWatch} watches the standby the same way and raises "standby lost"
 * on the node's {@link org.understudy.alarm.AlarmRegistry}.
 *
 * <p>May use: {@code model/} (events, path kinds), {@code alarm/} (the primary's standby alarms), {@code transport/}
 * (datagrams, scheduler), {@code nbd/} (the handshake probe), {@code script/} (probe scripts), {@code security/}
 * (forged heartbeats are refused authentications). Knows nothing of
 * failover: it only reports, through {@link org.understudy.health.HealthListener}.
 */
package org.understudy.health;
