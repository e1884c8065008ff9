package org.understudy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster file a client command uses: --config, else UNDERSTUDY_CONFIG, else the system-wide file. */
class ClusterFileTest {
    @TempDir
    Path tmp;

    @Test
    void option_thenEnvironment_thenSystemFile() throws Exception {
        Path system = Files.writeString(tmp.resolve("cluster.yaml"), "x");
        ClusterFile f = new ClusterFile().with(Map.of("UNDERSTUDY_CONFIG", "/srv/env.yaml"), system);
        assertEquals(new ClusterFile.Choice(Path.of("/srv/env.yaml"), "from UNDERSTUDY_CONFIG"), f.choice());
        f.option = Path.of("/srv/opt.yaml");
        assertEquals(new ClusterFile.Choice(Path.of("/srv/opt.yaml"), "--config"), f.choice());
        ClusterFile sys = new ClusterFile().with(Map.of(), system);
        assertEquals(new ClusterFile.Choice(system, "the system-wide default"), sys.choice());
    }

    @Test
    void noneAnywhere_saysHowToGiveOne() {
        ClusterFile f = new ClusterFile().with(Map.of(), tmp.resolve("absent.yaml"));
        assertNull(f.choice());
        StringWriter err = new StringWriter();
        assertNull(f.load("status", new PrintWriter(err, true)));
        assertTrue(err.toString().startsWith("status: no cluster file: give --config FILE, set UNDERSTUDY_CONFIG, or install "),
                err.toString());
    }

    @Test
    void invalidFile_fromEnvironment_saysWhereItCameFrom() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "cluster: { name: x }\n");
        ClusterFile f = new ClusterFile().with(Map.of("UNDERSTUDY_CONFIG", bad.toString()), tmp.resolve("absent.yaml"));
        StringWriter err = new StringWriter();
        assertNull(f.load("status", new PrintWriter(err, true)));
        assertTrue(err.toString().startsWith("status: invalid configuration in " + bad + " (from UNDERSTUDY_CONFIG):"),
                err.toString());
    }
}
