package org.understudy.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.config.ClusterConfig;
import org.understudy.config.PrimaryConfig;
import org.understudy.daemon.NodeRunner;
import org.understudy.primary.PrimaryEngines;
import org.understudy.storage.BlockDevice;

/**
 * The primaries of a cluster file that run in this JVM, each started as {@code understudy primary} starts it (its
 * state directory lock, event log, engine and admin API) but without its SNMP, JMX and web faces. Started a few at a
 * time; closed together. Thread-safe after {@link #start}.
 */
final class Fleet implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Fleet.class);
    /** Primaries started at once: each start waits up to a few seconds for the standby's first word. */
    private static final int STARTING_AT_ONCE = 8;

    private final Map<String, NodeRunner.Started> running = Collections.synchronizedMap(new LinkedHashMap<>());

    /** Starts every primary of {@code cluster} not in {@code skip}; on any failure stops those started and throws. */
    static Fleet start(ClusterConfig cluster, Set<String> skip) throws Exception {
        Fleet fleet = new Fleet();
        List<PrimaryConfig> members = cluster.primaries().stream().filter(p -> !skip.contains(p.name())).toList();
        long t0 = System.nanoTime();
        try (ExecutorService starters = Executors.newFixedThreadPool(STARTING_AT_ONCE)) {
            List<Future<?>> started = new ArrayList<>();
            for (PrimaryConfig p : members) {
                started.add(starters.submit(() -> {
                    fleet.running.put(p.name(), NodeRunner.start(cluster, p, PrimaryEngines.FACTORY, false));
                    return null;
                }));
            }
            for (Future<?> f : started) {
                f.get();
            }
        } catch (Exception e) {
            fleet.close();
            throw e;
        }
        LOG.info("fleet: {} primaries started in {} ms (not here: {})", members.size(),
                (System.nanoTime() - t0) / 1_000_000, skip);
        return fleet;
    }

    int size() {
        return running.size();
    }

    /** Every served device of every primary here, named {@code primary/volume}. */
    Map<String, BlockDevice> devices() {
        Map<String, BlockDevice> all = new LinkedHashMap<>();
        synchronized (running) {
            running.forEach((name, node) -> PrimaryEngines.served(node.engine())
                    .forEach((vol, dev) -> all.put(name + "/" + vol, dev)));
        }
        return all;
    }

    @Override
    public void close() {
        List<NodeRunner.Started> nodes;
        synchronized (running) {
            nodes = new ArrayList<>(running.values());
            running.clear();
        }
        for (NodeRunner.Started n : nodes) {
            n.close();
        }
    }
}
