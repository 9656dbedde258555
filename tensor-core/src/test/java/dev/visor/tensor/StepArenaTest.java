package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.visor.tensor.nn.Functional;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link StepArena} hands out arrays by length, takes them back when its scope closes (or earlier when
 * released), keeps escaped ones until {@link StepArena#recycleKept}, and never reuses what a leaf still holds.
 */
class StepArenaTest {

    @BeforeEach
    void pooling() {
        assumeTrue(StepArena.ENABLED, "-Dvisor.trainArena=false: scopes do nothing");
    }

    @Test
    void theNextScopeGetsTheArraysBackByLengthInAnyOrder() {
        StepArena arena = new StepArena();
        float[] a;
        float[] b;
        float[] c;
        try (StepArena.Scope s = arena.open()) {
            a = StepBuffers.floats(8);
            b = StepBuffers.floats(8);
            c = StepBuffers.floats(3);
            assertNotSame(a, b);
        }
        try (StepArena.Scope s = arena.open()) {
            assertSame(c, StepBuffers.floats(3));        // another order than before: by length, not position
            float[] first = StepBuffers.floats(8);
            float[] second = StepBuffers.floats(8);
            assertTrue(first == a && second == b || first == b && second == a);
            float[] third = StepBuffers.floats(8);       // more than the last scope asked for: a new one
            assertTrue(third != a && third != b);
        }
        assertEquals(4, arena.misses());
        assertEquals(7, arena.requests());
        assertNotSame(StepBuffers.floats(8), StepBuffers.floats(8));   // no scope: new arrays
    }

    @Test
    void zerosAreZeroAfterAPoisonedReturn() {
        StepArena arena = new StepArena().poisonReturns(Float.NaN);
        try (StepArena.Scope s = arena.open()) {
            java.util.Arrays.fill(StepBuffers.floats(6), 7f);
        }
        try (StepArena.Scope s = arena.open()) {
            assertArrayEquals(new float[6], StepBuffers.zeros(6));
        }
    }

    @Test
    void anEmptyLinearProductsGradientsAreZerosFromAPoisonedArena() {
        // with no outputs (dx) or no rows (dW) the products do not run: their gradients must be zeros, not
        // whatever a reused array of that length held
        StepArena arena = new StepArena().poisonReturns(Float.NaN);
        try (StepArena.Scope s = arena.open()) {
            StepBuffers.floats(6);
            StepBuffers.floats(6);
        }
        Tensor x = Tensor.ones(2, 3).requiresGrad(true);
        Tensor noOutputs = Tensor.ones(0, 3).requiresGrad(true);
        Tensor noRows = Tensor.ones(0, 3).requiresGrad(true);
        Tensor w = Tensor.ones(2, 3).requiresGrad(true);
        try (StepArena.Scope s = arena.open()) {
            Functional.linear(x, noOutputs, null).sum().backward();
            Functional.linear(noRows, w, null).sum().backward();
        }
        assertArrayEquals(new float[6], x.grad().toArray());
        assertArrayEquals(new float[6], w.grad().toArray());
    }

    @Test
    void aReleasedArrayIsHandedOutAgainInTheSameScope() {
        StepArena arena = new StepArena();
        try (StepArena.Scope s = arena.open()) {
            float[] a = StepBuffers.floats(5);
            StepArena.release(a);
            assertSame(a, StepBuffers.floats(5));
            StepArena.release(new float[5]);             // not this arena's: ignored
            assertNotSame(a, StepBuffers.floats(5));
        }
    }

    @Test
    void anEscapedArrayWaitsForRecycleKeptAndIsForgottenWhileALeafHoldsIt() {
        StepArena arena = new StepArena();
        float[] kept;
        float[] held;
        Tensor leaf = Tensor.zeros(4).requiresGrad(true);
        try (StepArena.Scope s = arena.open()) {
            kept = StepBuffers.floats(4);
            held = StepBuffers.floats(4);
            StepArena.escape(kept);
            StepArena.escape(held);
        }
        leaf.setGrad(Tensor.wrap(held, 4));
        try (StepArena.Scope s = arena.open()) {
            float[] x = StepBuffers.floats(4);
            assertTrue(x != kept && x != held, "escaped arrays stay out until recycleKept");
        }
        arena.recycleKept(List.of(leaf));
        try (StepArena.Scope s = arena.open()) {
            float[][] got = {StepBuffers.floats(4), StepBuffers.floats(4), StepBuffers.floats(4)};
            boolean keptBack = false;
            for (float[] g : got) {
                keptBack |= g == kept;
                assertNotSame(held, g, "the leaf's gradient is never handed out again");
            }
            assertTrue(keptBack, "the escaped array nobody holds is back");
        }
    }

    @Test
    void aLeafsGradientOutlivesTheScopeAndEqualsTheUnpooledOne() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 6, 5);
        Tensor w = Tensor.randn(rng, 4, 5).requiresGrad(true);
        Tensor g = Tensor.randn(rng, 4).requiresGrad(true);
        Tensor w2 = w.detach().copy().requiresGrad(true);
        Tensor g2 = g.detach().copy().requiresGrad(true);
        Functional.relu(Functional.layerNorm(Functional.linear(x, w2, null), new int[] {4}, g2, null, 1e-5)).sum().backward();
        StepArena arena = new StepArena().poisonReturns(Float.NaN);
        for (int step = 0; step < 3; step++) {
            w.zeroGrad();
            g.zeroGrad();
            arena.recycleKept(List.of(w, g));
            try (StepArena.Scope s = arena.open()) {
                Functional.relu(Functional.layerNorm(Functional.linear(x, w, null), new int[] {4}, g, null, 1e-5)).sum().backward();
            }
            assertArrayEquals(w2.grad().toArray(), w.grad().toArray(), "step " + step);
            assertArrayEquals(g2.grad().toArray(), g.grad().toArray(), "step " + step);
        }
        assertTrue(arena.requests() > 6 && arena.misses() < arena.requests(), "the ops took their arrays from the arena");
    }

    @Test
    void aCacheBuiltInsideAScopeIsPoisonedUnlessBuiltSuspended() {
        StepArena arena = new StepArena().poisonReturns(Float.NaN);
        Tensor table = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor cached;
        Tensor suspended;
        try (StepArena.Scope s = arena.open()) {
            cached = table.add(table);                            // the classic mistake: the arena's array
            suspended = StepArena.suspend(() -> table.add(table)); // built outside the arena
        }
        assertTrue(Float.isNaN(cached.get(0)), "the hazard the contract names is real (and the poison shows it)");
        assertArrayEquals(new float[] {2, 4, 6}, suspended.toArray());
    }

    @Test
    void freeArraysPastTheBoundAreLeftToTheCollector() {
        StepArena arena = new StepArena(10);
        try (StepArena.Scope s = arena.open()) {
            StepBuffers.floats(8);
            StepBuffers.floats(8);
        }
        assertEquals(8, arena.freeFloats());
    }

    @Test
    void aLengthNotAskedForInManyScopesGivesUpItsArrays() {
        StepArena arena = new StepArena();
        try (StepArena.Scope s = arena.open()) {
            StepBuffers.floats(7);
        }
        for (int i = 0; i < StepArena.STALE_SCOPES + 16; i++) {
            try (StepArena.Scope s = arena.open()) {
                StepBuffers.floats(3);
            }
            if (i == StepArena.STALE_SCOPES / 2) {
                assertEquals(10, arena.freeFloats(), "not stale yet");
            }
        }
        assertEquals(3, arena.freeFloats(), "the 7 floats of a shape that never came back are the collector's");
    }

    @Test
    void oneScopeAtATimeAndNestedArenasRestoreTheOuter() {
        StepArena outer = new StepArena();
        StepArena inner = new StepArena();
        try (StepArena.Scope s = outer.open()) {
            assertThrows(IllegalStateException.class, outer::open);
            try (StepArena.Scope t = inner.open()) {
                StepBuffers.floats(2);
                assertThrows(IllegalStateException.class, () -> inner.recycleKept(List.of()));
            }
            StepBuffers.floats(2);
        }
        assertEquals(1, outer.requests());
        assertEquals(1, inner.requests());
        assertEquals(null, StepArena.current());
    }

    @Test
    void aDecodingScopeWithAutogradOffStillTakesItsOwnBuffers() {
        StepArena arena = new StepArena();
        StepBuffers buffers = new StepBuffers();
        try (StepArena.Scope s = arena.open(); GradMode.Scope g = GradMode.disable(); StepBuffers.Scope b = buffers.open()) {
            StepBuffers.floats(3);
        }
        assertEquals(1, buffers.size());
        assertEquals(0, arena.requests());
    }

    /**
     * A layer norm, dropout and a linear layer's output, and the gradients of the input, the norm's weight and
     * bias and the linear bias (column sums), of one fixed input (the rng seeded).
     */
    private static List<float[]> dropoutAndNorm() {
        Tensor x = Tensor.randn(new Rng(5), 70, 48).requiresGrad(true);   // 70 rows: three blocks of partial sums
        Tensor w = Tensor.randn(new Rng(6), 48).requiresGrad(true);
        Tensor b = Tensor.randn(new Rng(7), 48).requiresGrad(true);
        Tensor lw = Tensor.randn(new Rng(9), 20, 48);
        Tensor lb = Tensor.randn(new Rng(10), 20).requiresGrad(true);
        Tensor y = Functional.linear(
                Functional.dropout(Functional.layerNorm(x, new int[] {48}, w, b, 1e-5), 0.3, true, new Rng(8)), lw, lb);
        y.mul(y).sum().backward();
        return List.of(y.toArray(), x.grad().toArray(), w.grad().toArray(), b.grad().toArray(), lb.grad().toArray());
    }

    @Test
    void keepBitsAndPartialSumsComeFromTheArenaAndAPoisonedReturnChangesNothing() {
        List<float[]> fresh = dropoutAndNorm();   // no scope: new arrays
        StepArena arena = new StepArena().poisonReturns(Float.NaN);   // keep bits come back all ones
        for (int step = 0; step < 3; step++) {
            arena.recycleKept(List.of());   // the last step's leaves are gone: their gradients come back
            long misses = arena.misses();
            List<float[]> pooled;
            try (StepArena.Scope s = arena.open()) {
                pooled = dropoutAndNorm();
                for (int i = 0; i < fresh.size(); i++) {
                    assertArrayEquals(fresh.get(i), pooled.get(i), "step " + step + " output " + i);
                }
            }
            if (step > 0) {
                // the keep bits (a long[]), the norm's per-block partial sums and the column sums' are the last step's
                assertEquals(misses, arena.misses(), "step " + step + " allocated");
            }
        }
        try (StepArena.Scope s = arena.open()) {
            long[] bits = StepBuffers.longs(3);
            java.util.Arrays.fill(bits, 5L);
        }
        try (StepArena.Scope s = arena.open()) {
            assertArrayEquals(new long[] {-1L, -1L, -1L}, StepBuffers.longs(3), "a returned long[] is poisoned with ones");
        }
        try (StepArena.Scope s = arena.open()) {
            java.util.Arrays.fill(StepBuffers.doubles(3), 5.0);
        }
        try (StepArena.Scope s = arena.open()) {
            assertTrue(Double.isNaN(StepBuffers.doubles(3)[2]), "a returned double[] is poisoned");
        }
        assertEquals(3, StepBuffers.longs(3).length);   // no scope: new arrays
        assertArrayEquals(new double[3], StepBuffers.doubles(3));
    }
}
