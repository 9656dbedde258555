package dev.visor.tensor.nn;

import dev.visor.tensor.Rng;
import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.KeepBits;
import dev.visor.tensor.kernel.VecMath;

/**
 * Inverted dropout with a seeded mask kept as a bit set for the backward pass.
 *
 * <p>Element {@code i} is kept when the generator's {@code i}-th double is {@code >= p}. The passes
 * are branch-free (a kept element is multiplied by {@code 1/(1−p)}, a dropped one masked to +0: a
 * random branch mispredicted on a tenth of the elements cost more than the rest of the loop) and
 * vectorised ({@link KeepBits}); the comparison is made on the 53 bits {@link Rng#nextDouble()} is built
 * from, so the mask is the one {@link #reference} draws from the same generator. The fused ops
 * (dropout after ReLU, dropout into a residual sum) split large tensors across the kernel threads
 * ({@link KeepBits#forWordRanges}), each chunk running the op's passes one after the other: every
 * element's operations are the same on any number of threads, so are the bits.
 */
final class DropoutOp {
    private DropoutOp() {}

    static Tensor forward(Tensor x, double p, boolean training, Rng rng) {
        if (!active(p, training, rng)) {
            return x;
        }
        float[] in = Dense.of(x);
        int n = in.length;
        long[] keep = mask(n, p, rng.onThisThread()); // a data-parallel shard's own stream (Rng.deriveStreams)
        float scale = keepScale(p);
        float[] out = StepBuffers.floats(n);   // every element written (also below)
        apply(in, keep, scale, out);
        return Tensor.fromOp("dropout", out, x.shape(), g -> {
            float[] dx = target(g, n);
            apply(Dense.of(g), keep, scale, dx);
            return new Tensor[] {Tensor.handedOver(dx, x.shape())};
        }, x);
    }

    /**
     * Where a backward pass writes its gradient: into the incoming gradient's own array when autograd
     * hands it over ({@link Tensor#isHandedOver}; the loops run in place element by element), else a new one.
     */
    private static float[] target(Tensor g, int n) {
        return g.isHandedOver() ? g.storage() : StepBuffers.floats(n);
    }

    /** The factor of a kept element, {@code 1/(1−p)}; 0 for {@code p = 1}, where nothing is kept. */
    private static float keepScale(double p) {
        return p == 1 ? 0f : (float) (1.0 / (1.0 - p));
    }

    /** Whether dropout changes anything, after checking {@code p} and that training has an {@code rng}. */
    private static boolean active(double p, boolean training, Rng rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1] but got " + p);
        }
        if (!training || p == 0) {
            return false;
        }
        if (rng == null) {
            throw new IllegalArgumentException("dropout in training mode with p=" + p + " needs an Rng but got null");
        }
        return true;
    }

    /**
     * {@code dropout(relu(x))} in one op. Each pass is the composition's own loop run in place on one
     * array ({@link VecMath#relu}, then {@link KeepBits#apply}; backward {@link KeepBits#apply}, then
     * {@link Activations#reluBackward}), so values, gradients and mask draws are the composition's bit
     * for bit.
     */
    static Tensor afterRelu(Tensor x, double p, boolean training, Rng rng) {
        if (!active(p, training, rng)) {
            return Activations.forward(x, Activations.Kind.RELU);
        }
        float[] in = Dense.of(x);
        int n = in.length;
        float[] out = StepBuffers.floats(n);
        long[] keep = mask(n, p, rng.onThisThread());
        float scale = keepScale(p);
        KeepBits.forWordRanges(n, (from, to) -> {
            VecMath.relu(in, from, out, from, to - from);
            KeepBits.applyRange(out, keep, scale, out, from, to);
        });
        return Tensor.fromOp("reluDropout", out, x.shape(), g -> {
            float[] dx = target(g, n);
            float[] gv = Dense.of(g);
            KeepBits.forWordRanges(n, (from, to) -> {
                KeepBits.applyRange(gv, keep, scale, dx, from, to);
                Activations.reluBackward(dx, in, dx, from, to);
            });
            return new Tensor[] {Tensor.handedOver(dx, x.shape())};
        }, x);
    }

    /**
     * {@code residual + dropout(x)} in one op (a residual connection), for equal shapes. The dropped-out
     * values are written into the result and the residual added there in place ({@link VecMath#add}),
     * so values, mask draws and gradients ({@code g} itself for the residual, the masked {@code g} for
     * {@code x}) are the composition's bit for bit, without the dropout's own result array. Other shapes
     * and inactive dropout fall back to the composition.
     */
    static Tensor addTo(Tensor residual, Tensor x, double p, boolean training, Rng rng) {
        if (!active(p, training, rng) || !java.util.Arrays.equals(residual.shape(), x.shape())) {
            return residual.add(forward(x, p, training, rng));
        }
        float[] in = Dense.of(x);
        float[] res = Dense.of(residual);
        int n = in.length;
        long[] keep = mask(n, p, rng.onThisThread());
        float scale = keepScale(p);
        float[] out = StepBuffers.floats(n);
        KeepBits.forWordRanges(n, (from, to) -> {
            KeepBits.applyRange(in, keep, scale, out, from, to);
            VecMath.add(res, from, out, from, out, from, to - from);
        });
        return Tensor.fromOp("addDropout", out, x.shape(), g -> {
            Tensor dx = null;
            if (x.requiresGrad()) {
                float[] d = StepBuffers.floats(n);
                apply(Dense.of(g), keep, scale, d);
                dx = Tensor.handedOver(d, x.shape());
            }
            return new Tensor[] {residual.requiresGrad() ? g : null, dx};
        }, residual, x);
    }

    /**
     * The keep bits of {@code n} elements: bit {@code i} is {@code rng.nextDouble() >= p} for the
     * {@code i}-th draw ({@link Rng#keepBits}, which draws a vector of them at once).
     */
    static long[] mask(int n, double p, Rng rng) {
        return rng.keepBits(n, p, StepBuffers.longs((n + 63) >>> 6));   // (the step arena's, in training)
    }

    /**
     * {@code out[i] = in[i]·scale} where bit {@code i} is set, {@code +0} where it is not (even for an
     * infinite or NaN input, as the branchy loop gave): the product's bits are and-ed with 0 or −1.
     */
    private static void apply(float[] in, long[] keep, float scale, float[] out) {
        KeepBits.apply(in, keep, scale, out, in.length);
    }

    /** The plain loop the tests compare with: a branch per element on {@code rng.nextDouble() >= p}. */
    static long[] reference(int n, double p, Rng rng) {
        long[] keep = new long[(n + 63) >>> 6];
        for (int i = 0; i < n; i++) {
            if (rng.nextDouble() >= p) {
                keep[i >>> 6] |= 1L << i;
            }
        }
        return keep;
    }
}
