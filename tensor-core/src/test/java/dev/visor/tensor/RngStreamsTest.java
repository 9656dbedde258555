package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RngStreamsTest {
    private static long[] draws(Rng r, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = r.nextLong();
        }
        return out;
    }

    @Test
    void outsideAScopeAGeneratorIsItsOwnStream() {
        Rng r = new Rng(5);
        assertSame(r, r.onThisThread());
    }

    @Test
    void splittingKeepsTheParentsSequence() {
        // tags are bookkeeping beside SplittableRandom: every seeded sequence is what it was before them
        Rng a = new Rng(9);
        java.util.SplittableRandom ref = new java.util.SplittableRandom(9);
        assertEquals(ref.split().nextLong(), a.split().nextLong());
        assertEquals(ref.split().nextLong(), a.split().nextLong());
        assertEquals(ref.nextLong(), a.nextLong());
    }

    @Test
    void aScopeGivesEachGeneratorADeterministicStreamAndLeavesItUntouched() {
        Rng parent = new Rng(1);
        Rng x = parent.split();
        Rng y = parent.split();
        long[] inX;
        long[] inY;
        try (Rng.Scope ignored = Rng.deriveStreams(42)) {
            Rng dx = x.onThisThread();
            assertNotSame(x, dx);
            assertSame(dx, x.onThisThread(), "the stream continues within the scope");
            inX = draws(dx, 8);
            inY = draws(y.onThisThread(), 8);
        }
        assertSame(x, x.onThisThread(), "closed");
        Rng parent2 = new Rng(1);
        Rng x2 = parent2.split();
        Rng y2 = parent2.split();
        assertEquals(java.util.Arrays.toString(draws(new Rng(1).split(), 8)), java.util.Arrays.toString(draws(x, 8)),
                "the owner was not advanced");
        try (Rng.Scope ignored = Rng.deriveStreams(42)) {
            assertEquals(java.util.Arrays.toString(inX), java.util.Arrays.toString(draws(x2.onThisThread(), 8)),
                    "same seeds, same construction order: same stream");
            assertEquals(java.util.Arrays.toString(inY), java.util.Arrays.toString(draws(y2.onThisThread(), 8)));
        }
        assertNotEquals(java.util.Arrays.toString(inX), java.util.Arrays.toString(inY), "sibling generators get different streams");
        try (Rng.Scope ignored = Rng.deriveStreams(43)) {
            assertNotEquals(java.util.Arrays.toString(inX), java.util.Arrays.toString(draws(new Rng(1).split().onThisThread(), 8)),
                    "another scope seed, another stream");
        }
    }

    @Test
    void scopesAreConfinedToTheirThreadAndDoNotNest() throws Exception {
        Rng r = new Rng(3);
        try (Rng.Scope ignored = Rng.deriveStreams(1)) {
            assertNotSame(r, r.onThisThread());
            assertSame(r, CompletableFuture.supplyAsync(r::onThisThread).get(), "another thread sees no scope");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Rng.deriveStreams(2));
            assertEquals(true, e.getMessage().contains("already open"), e.getMessage());
        }
    }

    @Test
    void mixedSeedsDependOnEveryArgument() {
        long s = Rng.mixSeeds(1, 2, 3);
        assertEquals(s, Rng.mixSeeds(1, 2, 3));
        assertNotEquals(s, Rng.mixSeeds(1, 2, 4));
        assertNotEquals(s, Rng.mixSeeds(1, 3, 3));
        assertNotEquals(s, Rng.mixSeeds(0, 2, 3));
        assertNotEquals(Rng.mixSeeds(1, 2, 3), Rng.mixSeeds(1, 3, 2));
    }
}
