package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.nn.Functional;
import org.junit.jupiter.api.Test;

/** A scope of {@link StepBuffers} hands the i-th request the previous scope's i-th array of that length, and nothing else. */
class StepBuffersTest {

    @Test
    void theNextScopeGetsTheSameArraysInRequestOrder() {
        StepBuffers b = new StepBuffers();
        float[] a1;
        float[] a2;
        try (GradMode.Scope g = GradMode.disable(); StepBuffers.Scope s = b.open()) {
            a1 = StepBuffers.floats(8);
            a2 = StepBuffers.floats(3);
            assertNotSame(a1, a2);
        }
        try (GradMode.Scope g = GradMode.disable(); StepBuffers.Scope s = b.open()) {
            assertSame(a1, StepBuffers.floats(8));
            float[] other = StepBuffers.floats(4);           // another length: a new array, kept from now on
            assertNotSame(a2, other);
            assertEquals(4, other.length);
            assertNotSame(a1, StepBuffers.floats(8));        // a third request: never an array already handed out
        }
        assertEquals(3, b.size());
    }

    @Test
    void outsideAScopeOrWithAutogradOnEveryRequestIsANewArray() {
        StepBuffers b = new StepBuffers();
        assertNotSame(StepBuffers.floats(5), StepBuffers.floats(5));
        try (StepBuffers.Scope s = b.open()) {                  // autograd on: a backward may read the array later
            assertNotSame(StepBuffers.floats(5), StepBuffers.floats(5));
        }
        assertEquals(0, b.size());
    }

    @Test
    void zerosClearsAReusedArray() {
        StepBuffers b = new StepBuffers();
        try (GradMode.Scope g = GradMode.disable(); StepBuffers.Scope s = b.open()) {
            java.util.Arrays.fill(StepBuffers.floats(6), 7f);
        }
        try (GradMode.Scope g = GradMode.disable(); StepBuffers.Scope s = b.open()) {
            assertArrayEquals(new float[6], StepBuffers.zeros(6));
        }
    }

    @Test
    void scopesNestAndRestoreTheOuterOne() {
        StepBuffers outer = new StepBuffers();
        StepBuffers inner = new StepBuffers();
        try (GradMode.Scope g = GradMode.disable()) {
            try (StepBuffers.Scope s = outer.open()) {
                StepBuffers.floats(2);
                try (StepBuffers.Scope t = inner.open()) {
                    StepBuffers.floats(2);
                    StepBuffers.floats(2);
                }
                StepBuffers.floats(2);
            }
            assertEquals(2, outer.size());
            assertEquals(2, inner.size());
            assertNotSame(StepBuffers.floats(2), StepBuffers.floats(2));   // all closed: no scope
        }
    }

    @Test
    void aSecondOpenScopeOfTheSameBuffersIsRefused() {
        StepBuffers b = new StepBuffers();
        try (StepBuffers.Scope s = b.open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, b::open);
            assertEquals("these step buffers already have an open scope (one step at a time, on one thread)", e.getMessage());
        }
        b.open().close();   // closed: opens again
    }

    @Test
    void opsInAScopeGiveTheSameValuesOnPoisonedReusedArrays() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 3, 16);
        Tensor w = Tensor.randn(rng, 24, 16);
        Tensor bias = Tensor.randn(rng, 24);
        Tensor gamma = Tensor.randn(rng, 24);
        Tensor beta = Tensor.randn(rng, 24);
        float[] want;
        try (GradMode.Scope g = GradMode.disable()) {
            want = chain(x, w, bias, gamma, beta).toArray();
        }
        StepBuffers b = new StepBuffers();
        for (int step = 0; step < 3; step++) {
            b.fill(Float.NaN);
            try (GradMode.Scope g = GradMode.disable(); StepBuffers.Scope s = b.open()) {
                assertArrayEquals(want, chain(x, w, bias, gamma, beta).toArray(), "step " + step);
            }
        }
        assertTrue(b.size() >= 8, "the chain's results came from the buffers: " + b.size());
    }

    /** linear (with and without bias), layerNorm, ReLU, GELU, add, mul and an embedding lookup. */
    private static Tensor chain(Tensor x, Tensor w, Tensor bias, Tensor gamma, Tensor beta) {
        Tensor h = Functional.linear(x, w, bias);
        h = Functional.layerNorm(h, new int[] {24}, gamma, beta, 1e-5);
        h = Functional.relu(h).add(Functional.gelu(h)).mul(2f);
        h = Functional.linear(h, w.transpose(0, 1).contiguous(), null);
        Tensor e = Functional.embedding(new int[] {1, 0, 2}, new int[] {3}, x);
        return h.add(e).add(x.narrow(0, 1, 1));               // a broadcast add (the strided loop)
    }
}
