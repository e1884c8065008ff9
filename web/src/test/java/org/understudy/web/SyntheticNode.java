package org.understudy.web;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.understudy.command.CommandApi;
import org.understudy.command.CommandResult;
import org.understudy.config.ClusterConfig;
import org.understudy.config.Endpoint;
import org.understudy.config.MirrorMode;
import org.understudy.config.PrimaryConfig;
import org.understudy.config.Secrets;
import org.understudy.config.StandbyConfig;
import org.understudy.config.VolumeConfig;
import org.understudy.config.WebConfig;
import org.understudy.config.WebSecrets;
import org.understudy.config.WebUser;
import org.understudy.face.FaceContext;
import org.understudy.model.AlarmSource;
import org.understudy.model.ClusterSnapshot;
import org.understudy.model.EventBus;
import org.understudy.config.PasswordHash;

/**
 * A standby of N synthetic primaries with V volumes each, for the web face in this JVM (the benchmark, face tests):
 * the model is whatever snapshot {@link #model} holds, changes are announced on {@link #events}.
 */
public final class SyntheticNode {
    public static final String PASSWORD = "synthetic-password-1";
    public static final String TOKEN = "synthetic-metrics-token-01";

    public final AtomicReference<ClusterSnapshot> model;
    public final EventBus events = new EventBus();
    public final FaceContext context;

    public SyntheticNode(Path dir, int primaries, int volumes, WebConfig web) {
        model = new AtomicReference<>(Snapshots.standby(primaries, volumes));
        List<PrimaryConfig> ps = new ArrayList<>();
        for (int i = 1; i <= primaries; i++) {
            List<VolumeConfig> vs = new ArrayList<>();
            for (int v = 0; v < volumes; v++) {
                vs.add(new VolumeConfig("vol" + v, dir.resolve("p" + i + "-vol" + v + ".img"), 64L << 20, MirrorMode.SYNC));
            }
            ps.add(new PrimaryConfig("p" + i, "127.0.1." + i, 10809, new Endpoint("127.0.1." + i, 7800), dir.resolve("p" + i), vs));
        }
        StandbyConfig standby = new StandbyConfig("standby", "127.0.0.1", new Endpoint("127.0.0.1", 7700),
                new Endpoint("127.0.0.1", 7800), dir.resolve("standby"), null, web);
        PasswordHash hash = PasswordHash.create(PASSWORD.toCharArray(), new SecureRandom(), PasswordHash.MIN_ITERATIONS);
        Secrets secrets = new Secrets(dir.resolve("secrets.yaml"), new byte[32], "admin-token-0123456789", null, null,
                List.of(),
                new WebSecrets(List.of(new WebUser("operator", hash, WebUser.Role.OPERATOR),
                        new WebUser("monitor", hash, WebUser.Role.MONITOR)), TOKEN, null));
        ClusterConfig cluster = new ClusterConfig(dir.resolve("cluster.yaml"), "synthetic", standby, ps, secrets);
        AlarmSource alarms = new AlarmSource() {
            @Override
            public List<org.understudy.model.Alarm> active() {
                return model.get().alarms();
            }

            @Override
            public Subscription subscribe(org.understudy.model.AlarmListener listener) {
                return () -> { };
            }
        };
        CommandApi commands = new CommandApi("standby", (actor, c) -> CommandResult.ok(c.name() + " done"),
                (actor, c, r) -> { });
        context = new FaceContext(cluster, standby, model::get, alarms, events, commands, dir.resolve("standby"),
                f -> { }, q -> List.of());
    }

    /** A web block on loopback, port 0 (any free port). */
    public static WebConfig web(boolean https) {
        return new WebConfig(new Endpoint("127.0.0.1", 0), null, !https, Duration.ofMinutes(30), false);
    }
}
