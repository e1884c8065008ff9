package org.understudy.resync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeIdentityTest {

    @TempDir
    Path dir;
    final Random rnd = new Random(7);

    @Test
    void startNewGeneration_firstTime_baseIsOldCurrent_historyPushed() {
        VolumeIdentity v = VolumeIdentity.newVolume(rnd);
        VolumeIdentity n = v.startNewGeneration(rnd);
        assertNotEquals(v.current(), n.current());
        assertEquals(v.current(), n.bitmapBase());
        assertEquals(List.of(v.current()), n.history());
        VolumeIdentity n2 = n.startNewGeneration(rnd);
        assertEquals(v.current(), n2.bitmapBase(), "the bitmap keeps counting from the first divergence");
        assertEquals(List.of(n.current(), v.current()), n2.history());
    }

    @Test
    void history_boundedToLimit() {
        VolumeIdentity v = VolumeIdentity.newVolume(rnd);
        for (int i = 0; i < 20; i++) {
            v = v.startNewGeneration(rnd);
        }
        assertEquals(VolumeIdentity.HISTORY_LIMIT, v.history().size());
    }

    @Test
    void startNewGeneration_freshOrInconsistent_refused() {
        assertThrows(IllegalStateException.class, () -> VolumeIdentity.fresh().startNewGeneration(rnd));
        VolumeIdentity mid = VolumeIdentity.newVolume(rnd).beginResyncAsTarget();
        assertThrows(IllegalStateException.class, () -> mid.startNewGeneration(rnd));
    }

    @Test
    void epoch_neverLowered_replicaRefusesOlderPrimary() {
        VolumeIdentity v = VolumeIdentity.newVolume(rnd).withEpoch(3);
        assertThrows(IllegalArgumentException.class, () -> v.withEpoch(2));
        assertFalse(v.acceptsWritesFrom(2));
        assertTrue(v.acceptsWritesFrom(3));
        assertTrue(v.acceptsWritesFrom(4));
    }

    @Test
    void generation_neverNone_andHexRoundTrip() {
        Generation g = Generation.random(new Random(0));
        assertFalse(g.isNone());
        assertEquals(g, Generation.parse(g.toString()));
        assertEquals(new Generation(-1), Generation.parse("ffffffffffffffff"));
    }

    @Test
    void store_roundTrip_andMissingIsEmpty() throws IOException {
        Path f = dir.resolve("vol0.identity");
        assertTrue(IdentityStore.load(f).isEmpty());
        VolumeIdentity v = VolumeIdentity.newVolume(rnd).startNewGeneration(rnd).startNewGeneration(rnd).withEpoch(9)
                .beginResyncAsTarget();
        IdentityStore.save(f, v);
        assertEquals(v, IdentityStore.load(f).orElseThrow());
        VolumeIdentity fresh = VolumeIdentity.fresh();
        IdentityStore.save(f, fresh);
        assertEquals(fresh, IdentityStore.load(f).orElseThrow());
        assertFalse(Files.exists(dir.resolve("vol0.identity.tmp")), "temp file renamed away");
    }

    @Test
    void store_corruptFile_clearError() throws IOException {
        Path f = dir.resolve("vol0.identity");
        IdentityStore.save(f, new VolumeIdentity(new UUID(3, 4), new Generation(10), Generation.NONE, List.of(),
                true, 1));
        String text = Files.readString(f);
        Files.writeString(f, text.replace("epoch=1", "epoch=7"));
        IOException e = assertThrows(IOException.class, () -> IdentityStore.load(f));
        assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
        Files.writeString(f, "garbage\n");
        e = assertThrows(IOException.class, () -> IdentityStore.load(f));
        assertTrue(e.getMessage().contains("not an Understudy identity file"), e.getMessage());
        Files.write(f, new byte[0]);
        assertThrows(IOException.class, () -> IdentityStore.load(f));
    }

    @Test
    void store_truncatedAtEveryLength_cleanErrorNeverCrash() throws IOException {
        Path f = dir.resolve("t.identity");
        IdentityStore.save(f, VolumeIdentity.newVolume(rnd).startNewGeneration(rnd));
        byte[] full = Files.readAllBytes(f);
        for (int n = 0; n < full.length - 1; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            assertThrows(IOException.class, () -> IdentityStore.decode(cut, "cut"), "length " + n);
        }
    }
}
