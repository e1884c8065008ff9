package org.understudy.failover;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.understudy.script.ScriptRunner;

/**
 * The production identity: {@code ip addr add ADDRESS/PREFIX dev DEVICE}, then gratuitous ARP
 * ({@code arping -U -c COUNT -I DEVICE ADDRESS}, in the background: the first announcement leaves at once) so
 * switches and neighbours learn the new MAC at once. Release is
 * {@code ip addr del}. Needs root (CAP_NET_ADMIN); an address already present counts as acquired. Thread-safe.
 */
public final class IpAddressAction implements IdentityAction {
    private static final org.apache.logging.log4j.Logger LOG =
            org.apache.logging.log4j.LogManager.getLogger(IpAddressAction.class);
    private final String device;
    private final int prefixLength;
    private final int arpCount;
    private final Duration timeout;
    private final ScriptRunner runner = new ScriptRunner();

    public IpAddressAction(String device, int prefixLength, int arpCount, Duration timeout) {
        this.device = device;
        this.prefixLength = prefixLength;
        this.arpCount = arpCount;
        this.timeout = timeout;
    }

    @Override
    public StepResult acquire(TakeoverTarget t) {
        String cidr = t.address() + "/" + prefixLength;
        ScriptRunner.Outcome add = runner.run(List.of("ip", "addr", "add", cidr, "dev", device), Map.of(), timeout);
        if (!add.ok() && !add.output().contains("File exists")) {
            return StepResult.failed("ip addr add " + cidr + " dev " + device + ": " + add.describe());
        }
        // arping -U paces its announcements a second apart (whole seconds only): the first goes out at once, so it
        // runs in the background instead of holding the takeover for COUNT seconds; its outcome is logged
        Process arp;
        try {
            arp = new ProcessBuilder("arping", "-U", "-c", Integer.toString(arpCount), "-I", device, t.address())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            return StepResult.failed("address added, gratuitous ARP could not start: " + e.getMessage());
        }
        long started = System.nanoTime();
        arp.onExit().thenAccept(p -> {
            // arping -U exits 1 when nobody replies, which is normal for an unsolicited announcement
            if (p.exitValue() > 1) {
                LOG.error("{}: gratuitous ARP for {} on {} failed (exit {})", t.primary(), t.address(), device,
                        p.exitValue());
            } else {
                LOG.info("{}: {} gratuitous ARP for {} on {} sent in {} ms", t.primary(), arpCount, t.address(),
                        device, (System.nanoTime() - started) / 1_000_000);
            }
        });
        return StepResult.ok(String.format("%s on %s (%s, %.3f s), %d gratuitous ARP being sent (arping pid %d)", cidr,
                device, add.ok() ? "added" : "already present", add.durationNanos() / 1e9, arpCount, arp.pid()));
    }

    @Override
    public StepResult release(TakeoverTarget t) {
        String cidr = t.address() + "/" + prefixLength;
        ScriptRunner.Outcome del = runner.run(List.of("ip", "addr", "del", cidr, "dev", device), Map.of(), timeout);
        return del.ok() || del.output().contains("Cannot assign")
                ? StepResult.ok("removed " + cidr + " from " + device)
                : StepResult.failed("ip addr del " + cidr + ": " + del.describe());
    }
}
