package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.nn.Functional;
import org.junit.jupiter.api.Test;

/**
 * Gradients a backward function {@linkplain Tensor#handedOver hands over}: adopted as a leaf's
 * gradient or added into in place, never shared between two tensors' gradients.
 */
class HandedOverGradientTest {

    /** {@code y = 2x} whose backward hands over a new array (and records it in {@code made}). */
    private static Tensor doubled(Tensor x, float[][] made) {
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= 2;
        }
        return Tensor.fromOp("doubled", v, x.shape(), g -> {
            float[] d = g.toArray();
            for (int i = 0; i < d.length; i++) {
                d[i] *= 2;
            }
            made[0] = d;
            return new Tensor[] {Tensor.handedOver(d, x.shape())};
        }, x);
    }

    @Test
    void aLeafAdoptsAHandedOverGradientInsteadOfCopyingIt() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        float[][] made = new float[1][];
        doubled(x, made).sum().backward();
        assertSame(made[0], x.grad().storage());
        assertArrayEquals(new float[] {2, 2, 2}, x.grad().toArray());
        // a second pass adds into the adopted array, which is the leaf's own
        doubled(x, made).sum().backward();
        assertArrayEquals(new float[] {4, 4, 4}, x.grad().toArray());
        assertNotSame(made[0], x.grad().storage());
    }

    @Test
    void aCaptureAdoptsItToo() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        float[][] made = new float[1][];
        GradientCapture c = GradientCapture.begin();
        try {
            doubled(x, made).sum().backward();
        } finally {
            c.close();
        }
        assertSame(made[0], c.gradient(x).storage());
        c.drainInto(java.util.List.of(x));
        assertArrayEquals(new float[] {2, 2, 2}, x.grad().toArray());
    }

    @Test
    void laterGradientsAreAddedIntoItWithTheSameBits() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 5).requiresGrad(true);
        Tensor a = Tensor.randn(rng, 5);
        float[][] made = new float[1][];
        // x receives x·a's gradient (a, not handed over) first, then the doubled path's (handed over)
        Tensor y = doubled(x, made).add(x.mul(a));
        y.backward(Tensor.ones(5));
        float[] expected = new float[5];
        for (int i = 0; i < 5; i++) {
            expected[i] = a.toArray()[i] + 2f;
        }
        assertArrayEquals(expected, x.grad().toArray());
    }

    @Test
    void aHandedOverGradientPassedOnByAddIsNotSharedBetweenTwoLeaves() {
        // add's backward returns its incoming gradient (handed over by 'doubled') for both inputs: each
        // leaf must get an array of its own, or a later term of one would leak into the other
        Tensor v = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        float[][] made = new float[1][];
        doubled(v.add(w), made).sum().backward();
        assertNotSame(v.grad().storage(), w.grad().storage());
        v.mul(10f).sum().backward();
        assertArrayEquals(new float[] {12, 12}, v.grad().toArray());
        assertArrayEquals(new float[] {2, 2}, w.grad().toArray());
    }

    @Test
    void oneArrayHandedOverForTwoInputsIsAdoptedByNeither() {
        Tensor v = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor w = Tensor.of(new float[] {3, 4}, 2).requiresGrad(true);
        Tensor y = Tensor.fromOp("sumOfTwo", new float[] {4, 6}, new int[] {2}, g -> {
            Tensor shared = Tensor.handedOver(g.toArray(), 2);   // breaks the contract: the engine must cope
            return new Tensor[] {shared, shared};
        }, v, w);
        y.sum().backward();
        assertNotSame(v.grad().storage(), w.grad().storage());
        v.mul(10f).sum().backward();
        assertArrayEquals(new float[] {11, 11}, v.grad().toArray());
        assertArrayEquals(new float[] {1, 1}, w.grad().toArray());
    }

    /** {@code y = −x}, its backward negating in place when the incoming gradient is handed over (and saying whether it was). */
    private static Tensor negated(Tensor x, boolean[] inPlace) {
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return Tensor.fromOp("negated", v, x.shape(), g -> {
            inPlace[0] = g.isHandedOver();
            float[] d = inPlace[0] ? g.storage() : g.toArray();
            for (int i = 0; i < d.length; i++) {
                d[i] = -d[i];
            }
            return new Tensor[] {inPlace[0] ? g : Tensor.handedOver(d, x.shape())};
        }, x);
    }

    @Test
    void aBackwardMayWriteIntoAnIncomingGradientHandedOverToIt() {
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        float[][] made = new float[1][];
        boolean[] inPlace = new boolean[1];
        doubled(negated(x, inPlace), made).sum().backward();
        assertTrue(inPlace[0], "doubled's gradient is handed over to negated's backward");
        assertSame(made[0], x.grad().storage());
        assertArrayEquals(new float[] {-2, -2, -2}, x.grad().toArray());
    }

    @Test
    void anIncomingGradientOthersHoldIsNotHandedOver() {
        // add's backward gives its gradient to both inputs: neither backward may write into it
        Tensor x = Tensor.of(new float[] {1, -2, 3}, 3).requiresGrad(true);
        boolean[] first = new boolean[1];
        boolean[] second = new boolean[1];
        float[][] made = new float[1][];
        Tensor y = doubled(negated(x, first).add(negated(x, second)), made);
        y.sum().backward();
        assertFalse(first[0] || second[0], "a gradient returned for two inputs was handed over");
        assertArrayEquals(new float[] {-4, -4, -4}, x.grad().toArray());
        // and a root's seed, which the caller holds, is not handed over either
        boolean[] root = new boolean[1];
        negated(x, root).backward(Tensor.ones(3));
        assertFalse(root[0]);
    }

    @Test
    void opsWritingIntoAHandedOverGradientGiveTheSameBits() {
        Rng rng = new Rng(8);
        Tensor x = Tensor.randn(rng, 6, 20).requiresGrad(true);
        Tensor w = Tensor.randn(rng, 20).requiresGrad(true);
        Tensor b = Tensor.randn(rng, 20).requiresGrad(true);
        Tensor up = Tensor.randn(rng, 6, 20);
        java.util.List<java.util.function.Function<Tensor, Tensor>> ops = java.util.List.of(
                t -> Functional.layerNorm(t, new int[] {20}, w, b, 1e-5),
                t -> Functional.dropout(t, 0.3, true, new Rng(5)),
                t -> Functional.reluDropout(t, 0.3, true, new Rng(5)));
        for (int i = 0; i < ops.size(); i++) {
            // the seed (the caller's, not handed over) against doubled's handed-over 2·up: the same values in
            ops.get(i).apply(x).backward(up.mul(2f));
            float[] expected = x.grad().toArray();
            x.zeroGrad();
            float[][] made = new float[1][];
            doubled(ops.get(i).apply(x), made).backward(up);
            assertArrayEquals(expected, x.grad().toArray(), "op " + i);
            assertSame(made[0], x.grad().storage(), "op " + i + " wrote into the handed-over gradient");
            x.zeroGrad();
        }
    }
}
