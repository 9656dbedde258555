package dev.visor.tensor;

import static dev.visor.tensor.TensorTestSupport.assertClose;

import dev.visor.tensor.TensorTestSupport.Layout;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * matmul on random batch shapes (broadcast), sizes and operand layouts — row-major, transposed views,
 * narrowed, strided, expanded and scrambled (copied) — against Commons Math per batch element, and
 * its gradients against finite differences.
 */
class MatmulProperties {
    /** Shapes of both operands, each {@code (batch..., rows, cols)} with broadcastable batches. */
    record Case(int[] a, int[] b) {}

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> size = Arbitraries.integers().between(1, 4);
        return Combinators.combine(TensorTestSupport.broadcastPairs(2, 3), size, size, size).as((batches, m, k, n) -> {
            int[] a = Arrays.copyOf(batches[0], batches[0].length + 2);
            a[a.length - 2] = m;
            a[a.length - 1] = k;
            int[] b = Arrays.copyOf(batches[1], batches[1].length + 2);
            b[b.length - 2] = k;
            b[b.length - 1] = n;
            return new Case(a, b);
        });
    }

    /** An operand: a leaf in {@code layout}, optionally stored transposed and viewed back with transpose(-1, -2). */
    record Operand(int[] shape, Layout layout, boolean transposed) {
        int[] stored() {
            int[] s = shape.clone();
            if (transposed) {
                s[s.length - 2] = shape[s.length - 1];
                s[s.length - 1] = shape[s.length - 2];
            }
            return s;
        }

        Tensor leaf(Rng rng) {
            return Tensor.randn(rng, layout.leafShape(stored()));
        }

        Tensor view(Tensor leaf) {
            Tensor t = layout.arrange(leaf, stored());
            return transposed ? t.transpose(-1, -2) : t;
        }
    }

    private static float[] expected(Tensor a, Tensor b) {
        int[] batch = Shape.broadcast(Arrays.copyOf(a.shape(), a.dim() - 2), Arrays.copyOf(b.shape(), b.dim() - 2));
        Tensor ab = a.expand(concat(batch, a.size(-2), a.size(-1)));
        Tensor bb = b.expand(concat(batch, b.size(-2), b.size(-1)));
        int count = Shape.numel(batch);
        Tensor a3 = ab.reshape(count, a.size(-2), a.size(-1));
        Tensor b3 = bb.reshape(count, b.size(-2), b.size(-1));
        float[] out = new float[count * a.size(-2) * b.size(-1)];
        int per = a.size(-2) * b.size(-1);
        for (int i = 0; i < count; i++) {
            System.arraycopy(MatmulTest.oracle(a3.select(0, i), b3.select(0, i)), 0, out, i * per, per);
        }
        return out;
    }

    private static int[] concat(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    @Property
    void matchesCommonsMathOnEveryLayout(@ForAll("cases") Case c, @ForAll Layout la, @ForAll boolean ta,
                                         @ForAll Layout lb, @ForAll boolean tb, @ForAll long seed) {
        Rng rng = new Rng(seed);
        Operand oa = new Operand(c.a(), la, ta);
        Operand ob = new Operand(c.b(), lb, tb);
        Tensor a = oa.view(oa.leaf(rng));
        Tensor b = ob.view(ob.leaf(rng));
        Tensor out = a.matmul(b);
        assertClose(expected(a, b), out.toArray(), 1e-5, 1e-5);
    }

    @Property
    void gradients(@ForAll("cases") Case c, @ForAll Layout la, @ForAll boolean ta, @ForAll Layout lb,
                   @ForAll boolean tb, @ForAll long seed) {
        Rng rng = new Rng(seed);
        Operand oa = new Operand(c.a(), la, ta);
        Operand ob = new Operand(c.b(), lb, tb);
        GradCheck.check(xs -> oa.view(xs[0]).matmul(ob.view(xs[1])), oa.leaf(rng), ob.leaf(rng)).assertWithin(1e-2, 1e-3);
    }

    @Property
    void vectorOperandGradients(@ForAll("cases") Case c, @ForAll boolean leftVector, @ForAll long seed) {
        Rng rng = new Rng(seed);
        int k = c.a()[c.a().length - 1];
        Tensor vector = Tensor.randn(rng, k);
        if (leftVector) {
            Tensor b = Tensor.randn(rng, c.b());
            GradCheck.check(xs -> xs[0].matmul(xs[1]), vector, b).assertWithin(1e-2, 1e-3);
        } else {
            Tensor a = Tensor.randn(rng, c.a());
            GradCheck.check(xs -> xs[0].matmul(xs[1]), a, vector).assertWithin(1e-2, 1e-3);
        }
    }
}
