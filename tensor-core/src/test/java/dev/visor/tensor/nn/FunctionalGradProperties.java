package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.visor.tensor.GradCheck;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Every differentiable op of {@link Functional} against central finite differences
 * ({@link GradCheck}, evaluated in double) on random small shapes. Inputs are kept away from kinks
 * (ReLU at 0) and degenerate rows (layer norm of a constant row) where finite differences with
 * step 1e-2 are not a valid oracle.
 */
class FunctionalGradProperties {
    private static final double RTOL = 1e-2;
    private static final double ATOL = 2e-3;

    private static Tensor randn(Rng rng, double scale, int... shape) {
        float[] v = Tensor.randn(rng, shape).toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= (float) scale;
        }
        return Tensor.of(v, shape);
    }

    private static int[] shape(Rng rng, int rank) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + rng.nextInt(4);
        }
        return s;
    }

    @Property
    void softmax(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int rank, @ForAll boolean log) {
        Rng rng = new Rng(seed);
        int[] shape = shape(rng, rank);
        int dim = rng.nextInt(rank) - (rng.nextInt(2) == 0 ? 0 : rank);
        GradCheck.check(xs -> log ? Functional.logSoftmax(xs[0], dim) : Functional.softmax(xs[0], dim), randn(rng, 2, shape))
                .assertWithin(RTOL, ATOL);
    }

    @Property
    void softmaxAfterMaskedFillWithPartlyMaskedRows(@ForAll long seed, @ForAll @IntRange(min = 2, max = 6) int n) {
        Rng rng = new Rng(seed);
        boolean[] mask = new boolean[3 * n];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = i % n != 0 && rng.nextInt(3) == 0; // the first key of every row stays visible
        }
        GradCheck.check(xs -> Functional.softmax(Functional.maskedFill(xs[0], mask, new int[] {3, n}, Float.NEGATIVE_INFINITY), -1),
                randn(rng, 2, 3, n)).assertWithin(RTOL, ATOL);
    }

    @Property
    void layerNorm(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 2, max = 6) int n,
                   @ForAll boolean twoTrailingDims, @ForAll boolean affine) {
        Rng rng = new Rng(seed);
        int[] shape = twoTrailingDims ? new int[] {rows, 2, n} : new int[] {rows, n};
        int[] normalized = twoTrailingDims ? new int[] {2, n} : new int[] {n};
        float[] x = randn(rng, 0.1, shape).toArray();
        for (int i = 0; i < x.length; i++) {
            x[i] += i % (twoTrailingDims ? 2 * n : n); // spread each row so its variance is well away from 0
        }
        Tensor w = affine ? randn(rng, 1, normalized).requiresGrad(true) : null;
        Tensor b = affine ? randn(rng, 1, normalized).requiresGrad(true) : null;
        Tensor xt = Tensor.of(x, shape).requiresGrad(true);
        if (affine) {
            GradCheck.check(xs -> Functional.layerNorm(xs[0], normalized, xs[1], xs[2], 1e-5), xt, w, b).assertWithin(RTOL, ATOL);
        } else {
            GradCheck.check(xs -> Functional.layerNorm(xs[0], normalized, null, null, 1e-5), xt).assertWithin(RTOL, ATOL);
        }
    }

    @Property
    void relu(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int rank) {
        Rng rng = new Rng(seed);
        float[] x = randn(rng, 1, shape(rng, rank)).toArray();
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.copySign(0.1f + Math.abs(x[i]), x[i]); // no element within 0.1 of the kink
        }
        int[] s = new int[] {x.length};
        GradCheck.check(xs -> Functional.relu(xs[0]), Tensor.of(x, s)).assertWithin(RTOL, ATOL);
    }

    @Property
    void gelu(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int rank, @ForAll boolean tanh) {
        Rng rng = new Rng(seed);
        GradCheck.check(xs -> tanh ? Functional.geluTanh(xs[0]) : Functional.gelu(xs[0]), randn(rng, 2, shape(rng, rank)))
                .assertWithin(RTOL, ATOL);
    }

    @Property
    void embedding(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 4) int dim,
                   @ForAll @IntRange(min = 1, max = 8) int count) {
        Rng rng = new Rng(seed);
        int[] ids = new int[count];
        for (int i = 0; i < count; i++) {
            ids[i] = rng.nextInt(rows);
        }
        Tensor w = randn(rng, 1, rows, dim);
        GradCheck.check(xs -> Functional.embedding(ids, new int[] {count}, xs[0]), w).assertWithin(RTOL, ATOL);

        // with a padding row: the same gradient except that row, which gets none
        int pad = ids[rng.nextInt(count)];
        Tensor seedGrad = randn(rng, 1, count, dim);
        Tensor plain = Tensor.of(w.toArray(), rows, dim).requiresGrad(true);
        Tensor padded = Tensor.of(w.toArray(), rows, dim).requiresGrad(true);
        Functional.embedding(ids, new int[] {count}, plain).backward(seedGrad);
        Functional.embedding(ids, new int[] {count}, padded, pad).backward(seedGrad);
        float[] expected = plain.grad().toArray();
        Arrays.fill(expected, pad * dim, (pad + 1) * dim, 0f);
        assertArrayEquals(expected, padded.grad().toArray());
    }

    @Property
    void dropout(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int rank, @ForAll @DoubleRange(min = 0, max = 0.9) double p) {
        Rng rng = new Rng(seed);
        long maskSeed = rng.nextLong();
        GradCheck.check(xs -> Functional.dropout(xs[0], p, true, new Rng(maskSeed)), randn(rng, 1, shape(rng, rank)))
                .assertWithin(RTOL, ATOL);
    }

    @Property
    void maskedFill(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 4) int cols) {
        Rng rng = new Rng(seed);
        boolean[] mask = new boolean[cols];
        for (int i = 0; i < cols; i++) {
            mask[i] = rng.nextInt(2) == 0;
        }
        GradCheck.check(xs -> Functional.maskedFill(xs[0], mask, new int[] {1, cols}, 7f), randn(rng, 1, rows, cols))
                .assertWithin(RTOL, ATOL);
    }

    @Property
    void crossEntropy(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 6) int classes,
                      @ForAll @DoubleRange(min = 0, max = 0.5) double smoothing, @ForAll Reduction reduction) {
        Rng rng = new Rng(seed);
        int[] targets = new int[rows];
        for (int i = 0; i < rows; i++) {
            targets[i] = i > 0 && rng.nextInt(4) == 0 ? -100 : rng.nextInt(classes); // row 0 always counts
        }
        GradCheck.check(xs -> Functional.crossEntropy(xs[0], targets, -100, smoothing, reduction), randn(rng, 2, rows, classes))
                .assertWithin(RTOL, ATOL);
    }

    @Property
    void linear(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int lead, @ForAll @IntRange(min = 1, max = 5) int in,
                @ForAll @IntRange(min = 1, max = 5) int out, @ForAll boolean bias) {
        Rng rng = new Rng(seed);
        Tensor x = randn(rng, 1, lead, 2, in).requiresGrad(true);
        Tensor w = randn(rng, 1, out, in).requiresGrad(true);
        Tensor b = randn(rng, 1, out).requiresGrad(true);
        if (bias) {
            GradCheck.check(xs -> Functional.linear(xs[0], xs[1], xs[2]), x, w, b).assertWithin(RTOL, ATOL);
        } else {
            GradCheck.check(xs -> Functional.linear(xs[0], xs[1], null), x, w).assertWithin(RTOL, ATOL);
        }
    }

    @Property
    void mseLoss(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int rank, @ForAll Reduction reduction) {
        Rng rng = new Rng(seed);
        int[] s = shape(rng, rank);
        GradCheck.check(xs -> Functional.mseLoss(xs[0], xs[1], reduction), randn(rng, 1, s), randn(rng, 1, s))
                .assertWithin(RTOL, ATOL);
    }
}
