package org.understudy.failover;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.understudy.health.CommandRunner;

/**
 * The production identity: {@code ip addr add ADDRESS/PREFIX dev DEVICE}, then gratuitous ARP
 * ({@code arping -U -c COUNT -I DEVICE ADDRESS}) so switches and neighbours learn the new MAC at once. Release is
 * {@code ip addr del}. Needs root (CAP_NET_ADMIN); an address already present counts as acquired. Thread-safe.
 */
public final class IpAddressAction implements IdentityAction {
    private final String device;
    private final int prefixLength;
    private final int arpCount;
    private final Duration timeout;
    private final CommandRunner runner = new CommandRunner();

    public IpAddressAction(String device, int prefixLength, int arpCount, Duration timeout) {
        this.device = device;
        this.prefixLength = prefixLength;
        this.arpCount = arpCount;
        this.timeout = timeout;
    }

    @Override
    public StepResult acquire(TakeoverTarget t) {
        String cidr = t.address() + "/" + prefixLength;
        CommandRunner.Outcome add = runner.run(List.of("ip", "addr", "add", cidr, "dev", device), Map.of(), timeout);
        if (!add.ok() && !add.output().contains("File exists")) {
            return StepResult.failed("ip addr add " + cidr + " dev " + device + ": " + add.describe());
        }
        CommandRunner.Outcome arp = runner.run(List.of("arping", "-U", "-c", Integer.toString(arpCount), "-I", device,
                t.address()), Map.of(), timeout);
        // arping -U exits 1 when nobody replies, which is normal for an unsolicited announcement
        if (arp.timedOut() || arp.exitCode() < 0 || arp.exitCode() > 1) {
            return StepResult.failed("address added, gratuitous ARP failed: " + arp.describe());
        }
        return StepResult.ok(String.format("%s on %s (%s), %d gratuitous ARP sent (%.2f s)", cidr, device,
                add.ok() ? "added" : "already present", arpCount, (add.durationNanos() + arp.durationNanos()) / 1e9));
    }

    @Override
    public StepResult release(TakeoverTarget t) {
        String cidr = t.address() + "/" + prefixLength;
        CommandRunner.Outcome del = runner.run(List.of("ip", "addr", "del", cidr, "dev", device), Map.of(), timeout);
        return del.ok() || del.output().contains("Cannot assign")
                ? StepResult.ok("removed " + cidr + " from " + device)
                : StepResult.failed("ip addr del " + cidr + ": " + del.describe());
    }
}
