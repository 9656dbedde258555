package dev.visor.tensor;

import static dev.visor.tensor.TensorTestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.visor.tensor.TensorTestSupport.Layout;
import dev.visor.tensor.TensorTestSupport.Values;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Reductions over random subsets of dimensions, with and without keepDim, on random layouts:
 * values against {@link ReferenceOps}, gradients against finite differences.
 */
class ReduceOpsProperties {
    private static final double RTOL = 1e-2;
    private static final double ATOL = 1e-3;

    /** A shape of rank 1..4 and a non-empty subset of its dimensions (some given as negative). */
    record Reduction(int[] shape, int[] dims, boolean keepDim) {
        boolean[] mask() {
            boolean[] m = new boolean[shape.length];
            for (int d : dims) {
                m[Shape.dim(d, shape.length)] = true;
            }
            return m;
        }

        int[] outShape() {
            List<Integer> out = new ArrayList<>();
            boolean[] m = mask();
            for (int d = 0; d < shape.length; d++) {
                if (!m[d]) {
                    out.add(shape[d]);
                } else if (keepDim) {
                    out.add(1);
                }
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    @Provide
    Arbitrary<Reduction> reductions() {
        return TensorTestSupport.shapes(1, 4, 4).flatMap(shape -> Arbitraries.of(true, false).list().ofSize(shape.length)
                .filter(l -> l.contains(true))
                .flatMap(chosen -> Arbitraries.of(true, false).list().ofSize(shape.length + 1).map(flags -> {
                    List<Integer> dims = new ArrayList<>();
                    for (int d = 0; d < shape.length; d++) {
                        if (chosen.get(d)) {
                            dims.add(flags.get(d) ? d - shape.length : d);
                        }
                    }
                    return new Reduction(shape, dims.stream().mapToInt(Integer::intValue).toArray(), flags.get(shape.length));
                })));
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return TensorTestSupport.shapes(0, 4, 4);
    }

    // ------------------------------------------------------------------ values

    @Property
    void sumAndMeanMatchReference(@ForAll("reductions") Reduction r, @ForAll Layout layout, @ForAll long seed) {
        Tensor x = layout.random(new Rng(seed), r.shape(), Values.NORMAL);
        float[] expected = ReferenceOps.sum(x, r.mask());
        Tensor sum = x.sum(r.dims(), r.keepDim());
        TensorTestSupport.assertShape(r.outShape(), sum);
        assertClose(expected, sum.toArray(), 1e-6, 1e-6);
        int count = x.numel() / Math.max(1, expected.length);
        for (int i = 0; i < expected.length; i++) {
            expected[i] /= count;
        }
        assertClose(expected, x.mean(r.dims(), r.keepDim()).toArray(), 1e-6, 1e-6);
    }

    @Property
    void maxMinAndArgMatchReference(@ForAll("reductions") Reduction r, @ForAll Layout layout, @ForAll long seed) {
        Tensor x = layout.random(new Rng(seed), r.shape(), Values.grid(0f)); // many ties
        for (boolean max : new boolean[] {true, false}) {
            int[] at = new int[Shape.numel(r.outShape())];
            float[] expected = ReferenceOps.extreme(x, r.mask(), max, at);
            Tensor got = max ? x.max(r.dims(), r.keepDim()) : x.min(r.dims(), r.keepDim());
            TensorTestSupport.assertShape(r.outShape(), got);
            assertArrayEquals(expected, got.toArray());
            if (r.dims().length == 1) {
                float[] index = new float[at.length];
                for (int i = 0; i < at.length; i++) {
                    index[i] = at[i];
                }
                int d = r.dims()[0];
                assertArrayEquals(index, (max ? x.argmax(d, r.keepDim()) : x.argmin(d, r.keepDim())).toArray());
            }
        }
    }

    @Property
    void fullReductionsAgreeWithReductionsOverEveryDim(@ForAll("shapes") int[] shape, @ForAll long seed) {
        Tensor x = Tensor.randn(new Rng(seed), shape);
        float[] all = ReferenceOps.sum(x, ReduceOps.allDims(x));
        assertClose(all, x.sum().reshape(1).toArray(), 1e-6, 1e-6);
        int[] at = new int[1];
        float[] max = ReferenceOps.extreme(x, ReduceOps.allDims(x), true, at);
        assertArrayEquals(max, x.max().reshape(1).toArray());
        assertArrayEquals(new float[] {at[0]}, x.argmax().reshape(1).toArray());
    }

    // ------------------------------------------------------------------ gradients

    @Property
    void sumAndMeanGradients(@ForAll("reductions") Reduction r, @ForAll Layout layout, @ForAll long seed) {
        Tensor x = Tensor.randn(new Rng(seed), layout.leafShape(r.shape()));
        GradCheck.check(xs -> layout.arrange(xs[0], r.shape()).sum(r.dims(), r.keepDim()), x).assertWithin(RTOL, ATOL);
        GradCheck.check(xs -> layout.arrange(xs[0], r.shape()).mean(r.dims(), r.keepDim()), x).assertWithin(RTOL, ATOL);
    }

    @Property
    void maxAndMinGradients(@ForAll("reductions") Reduction r, @ForAll boolean permuted, @ForAll long seed) {
        Layout layout = permuted ? Layout.PERMUTED : Layout.CONTIGUOUS; // expanded copies would tie
        Tensor x = Values.DISTINCT.draw(new Rng(seed), layout.leafShape(r.shape()));
        GradCheck.check(xs -> layout.arrange(xs[0], r.shape()).max(r.dims(), r.keepDim()), x).assertWithin(RTOL, ATOL);
        GradCheck.check(xs -> layout.arrange(xs[0], r.shape()).min(r.dims(), r.keepDim()), x).assertWithin(RTOL, ATOL);
    }

    @Property
    void varianceGradients(@ForAll("reductions") Reduction r, @ForAll boolean unbiased, @ForAll Layout layout,
                           @ForAll long seed) {
        Tensor x = Tensor.randn(new Rng(seed), layout.leafShape(r.shape()));
        int count = Shape.numel(r.shape()) / Shape.numel(r.outShape());
        if (unbiased && count == 1) {
            return; // NaN by definition
        }
        GradCheck.check(xs -> layout.arrange(xs[0], r.shape()).var(r.dims(), unbiased, r.keepDim()), x)
                .assertWithin(RTOL, ATOL);
    }

    @Property
    void varianceMatchesTheTwoPassDefinition(@ForAll("reductions") Reduction r, @ForAll long seed) {
        Tensor x = Tensor.randn(new Rng(seed), r.shape());
        float[] sums = ReferenceOps.sum(x, r.mask());
        int count = x.numel() / sums.length;
        Tensor mean = Tensor.of(sums, r.outShape()).div(count);
        Tensor keptMean = mean.reshape(new Reduction(r.shape(), r.dims(), true).outShape());
        Tensor sq = x.sub(keptMean).pow(2f);
        float[] expected = ReferenceOps.sum(sq, r.mask());
        for (int i = 0; i < expected.length; i++) {
            expected[i] /= count;
        }
        assertClose(expected, x.var(r.dims(), false, r.keepDim()).toArray(), 1e-5, 1e-6);
    }

    @Property
    void fullReductionGradients(@ForAll("shapes") int[] shape, @ForAll long seed) {
        Tensor x = Values.DISTINCT.draw(new Rng(seed), shape);
        GradCheck.check(xs -> xs[0].sum(), x).assertWithin(RTOL, ATOL);
        GradCheck.check(xs -> xs[0].mean(), x).assertWithin(RTOL, ATOL);
        GradCheck.check(xs -> xs[0].max(), x).assertWithin(RTOL, ATOL);
        GradCheck.check(xs -> xs[0].min(), x).assertWithin(RTOL, ATOL);
        if (x.numel() > 1) {
            GradCheck.check(xs -> xs[0].var(), x).assertWithin(RTOL, ATOL);
        }
    }

    @Property
    void sumToIsTheAdjointOfBroadcasting(@ForAll("shapes") int[] shape, @ForAll long seed) {
        // <expand(a), g> = <a, sumTo(g)> for every a: sumTo is expand's adjoint
        Rng rng = new Rng(seed);
        int[] small = shape.clone();
        for (int d = 0; d < small.length; d++) {
            if (rng.nextInt(2) == 0) {
                small[d] = 1;
            }
        }
        int[] target = java.util.Arrays.copyOfRange(small, rng.nextInt(small.length + 1), small.length);
        Tensor a = Tensor.randn(rng, target);
        Tensor g = Tensor.randn(rng, shape);
        float lhs = a.expand(shape).mul(g).sum().item();
        float rhs = a.mul(g.sumTo(target)).sum().item();
        assertClose(new float[] {lhs}, new float[] {rhs}, 1e-4, 1e-4);
        GradCheck.check(xs -> xs[0].sumTo(target), g).assertWithin(RTOL, ATOL);
    }
}
