package dev.visor.tensor.nn;

import static dev.visor.tensor.nn.Close.assertClose;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * Each fused op of {@link Functional} against the same formula composed from the element-wise,
 * reduction and matmul ops of {@link Tensor} — values and gradients — on random shapes, with inputs
 * that are sometimes strided views (a transpose), so both layers check each other.
 */
class ComposedOpsProperties {
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;

    /** A (rows, cols) leaf, or the transpose view of a (cols, rows) leaf. */
    private static Tensor input(Rng rng, boolean strided, double scale, int rows, int cols) {
        float[] v = Tensor.randn(rng, rows * cols).toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= (float) scale;
        }
        return strided ? Tensor.of(v, cols, rows).requiresGrad(true) : Tensor.of(v, rows, cols).requiresGrad(true);
    }

    private static Tensor view(Tensor leaf, boolean strided) {
        return strided ? leaf.transpose(0, 1) : leaf;
    }

    /** Runs both forms from fresh copies of the leaves; compares outputs and every leaf gradient. */
    private static void same(Function<Tensor[], Tensor> fused, Function<Tensor[], Tensor> composed, Rng rng, Tensor... leaves) {
        Tensor[] a = copies(leaves);
        Tensor[] b = copies(leaves);
        Tensor ya = fused.apply(a);
        Tensor yb = composed.apply(b);
        assertClose(yb.toArray(), ya.toArray(), RTOL, ATOL, "values");
        Tensor r = Tensor.randn(rng, ya.shape());
        ya.backward(r);
        yb.backward(r);
        for (int i = 0; i < leaves.length; i++) {
            assertClose(b[i].grad().toArray(), a[i].grad().toArray(), RTOL, ATOL, "gradient of input " + i);
        }
    }

    private static Tensor[] copies(Tensor[] leaves) {
        Tensor[] out = new Tensor[leaves.length];
        for (int i = 0; i < leaves.length; i++) {
            out[i] = Tensor.of(leaves[i].toArray(), leaves[i].shape()).requiresGrad(true);
        }
        return out;
    }

    @Property
    void softmaxAndLogSoftmax(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 7) int cols,
                              @ForAll boolean strided, @ForAll @IntRange(min = 0, max = 1) int dim, @ForAll boolean log) {
        Rng rng = new Rng(seed);
        same(xs -> {
            Tensor x = view(xs[0], strided);
            return log ? Functional.logSoftmax(x, dim) : Functional.softmax(x, dim);
        }, xs -> {
            Tensor x = view(xs[0], strided);
            Tensor shifted = x.sub(x.max(dim, true).detach());
            Tensor sum = shifted.exp().sum(dim, true);
            return log ? shifted.sub(sum.log()) : shifted.exp().div(sum);
        }, rng, input(rng, strided, 3, rows, cols));
    }

    @Property
    void layerNorm(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 3, max = 7) int cols,
                   @ForAll boolean strided) {
        Rng rng = new Rng(seed);
        Tensor w = Tensor.randn(rng, cols).requiresGrad(true);
        Tensor b = Tensor.randn(rng, cols).requiresGrad(true);
        same(xs -> Functional.layerNorm(view(xs[0], strided), new int[] {cols}, xs[1], xs[2], 1e-5), xs -> {
            Tensor x = view(xs[0], strided);
            Tensor centred = x.sub(x.mean(-1, true));
            Tensor std = x.var(-1, false, true).add(1e-5f).sqrt();
            return centred.div(std).mul(xs[1]).add(xs[2]);
        }, rng, input(rng, strided, 2, rows, cols), w, b);
    }

    @Property
    void geluTanhAndRelu(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 7) int cols,
                         @ForAll boolean strided) {
        Rng rng = new Rng(seed);
        same(xs -> Functional.geluTanh(view(xs[0], strided)), xs -> {
            Tensor x = view(xs[0], strided);
            Tensor inner = x.add(x.pow(3f).mul(0.044715f)).mul((float) Math.sqrt(2 / Math.PI));
            return x.mul(0.5f).mul(inner.tanh().add(1f));
        }, rng, input(rng, strided, 2, rows, cols));
        same(xs -> Functional.relu(view(xs[0], strided)), xs -> view(xs[0], strided).clamp(0f, Float.POSITIVE_INFINITY),
                rng, input(rng, strided, 2, rows, cols));
    }

    @Property
    void linear(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 6) int in,
                @ForAll @IntRange(min = 1, max = 6) int out, @ForAll boolean strided) {
        Rng rng = new Rng(seed);
        Tensor w = Tensor.randn(rng, out, in).requiresGrad(true);
        Tensor b = Tensor.randn(rng, out).requiresGrad(true);
        same(xs -> Functional.linear(view(xs[0], strided), xs[1], xs[2]),
                xs -> view(xs[0], strided).matmul(xs[1].t()).add(xs[2]), rng, input(rng, strided, 1, rows, in), w, b);
    }

    @Property
    void crossEntropy(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 2, max = 6) int classes,
                      @ForAll @DoubleRange(min = 0, max = 0.4) double smoothing, @ForAll boolean strided) {
        Rng rng = new Rng(seed);
        int[] targets = new int[rows];
        float[] q = new float[rows * classes]; // the smoothed target distribution, zero for ignored rows
        int counted = 0;
        for (int i = 0; i < rows; i++) {
            targets[i] = i > 0 && rng.nextInt(4) == 0 ? -1 : rng.nextInt(classes);
            if (targets[i] >= 0) {
                counted++;
                for (int c = 0; c < classes; c++) {
                    q[i * classes + c] = (float) (smoothing / classes + (c == targets[i] ? 1 - smoothing : 0));
                }
            }
        }
        Tensor qt = Tensor.of(q, rows, classes);
        float count = counted;
        same(xs -> Functional.crossEntropy(view(xs[0], strided), targets, -1, smoothing, Reduction.MEAN),
                xs -> Functional.logSoftmax(view(xs[0], strided), -1).mul(qt).sum().mul(-1f / count),
                rng, input(rng, strided, 2, rows, classes));
    }

    @Property
    void mseLoss(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 7) int cols,
                 @ForAll boolean strided) {
        Rng rng = new Rng(seed);
        same(xs -> Functional.mseLoss(view(xs[0], strided), xs[1]), xs -> view(xs[0], strided).sub(xs[1]).pow(2f).mean(),
                rng, input(rng, strided, 1, rows, cols), Tensor.randn(rng, rows, cols).requiresGrad(true));
    }
}
