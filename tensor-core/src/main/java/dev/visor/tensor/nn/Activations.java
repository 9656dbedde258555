package dev.visor.tensor.nn;

import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.VecMath;

/** Element-wise activations (ReLU, exact and tanh GELU) with fused backward passes; ReLU and the tanh GELU run in float through {@link VecMath}. */
final class Activations {
    private Activations() {}

    private static final int GRAIN = 1 << 14;
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double GELU_CUBIC = 0.044715;

    enum Kind { RELU, GELU, GELU_TANH }

    static Tensor forward(Tensor x, Kind kind) {
        float[] in = Dense.of(x);
        float[] out = StepBuffers.floats(in.length);
        Parallel.forRange(in.length, GRAIN, (from, to) -> {
            switch (kind) {
                case RELU -> VecMath.relu(in, from, out, from, to - from); // NaN passes through, as in PyTorch
                case GELU -> {
                    for (int i = from; i < to; i++) {
                        double v = in[i];
                        out[i] = (float) (v * Gaussian.cdf(v));
                    }
                }
                case GELU_TANH -> geluTanh(in, out, from, to);
            }
        });
        String name = switch (kind) {
            case RELU -> "relu";
            case GELU -> "gelu";
            case GELU_TANH -> "geluTanh";
        };
        return Tensor.fromOp(name, out, x.shape(), g -> new Tensor[] {backward(Dense.of(g), in, x.shape(), kind)}, x);
    }

    /**
     * {@code dx[i] = in[i] > 0 ? g[i] : +0} without a branch (the sign of a ReLU's input is a coin
     * toss, and the mispredicted branch cost more than the rest of the loop): the gradient's bits are
     * and-ed with {@link #positiveMask}.
     */
    static void reluBackward(float[] g, float[] in, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(g[i]) & positiveMask(in[i]));
        }
    }

    /**
     * −1 (all bits) when {@code x > 0}, else 0 (for −0, negatives and NaN too), from the bits alone:
     * {@code x > 0} exactly when its bits {@code b} satisfy {@code 0 < b ≤ 0x7f800000} (+∞ included).
     */
    static int positiveMask(float x) {
        int b = Float.floatToRawIntBits(x);
        return ((b - 1 - 0x7f800000) >> 31) & ~((b - 1) >> 31);
    }

    /**
     * ReLU: {@code g·[x > 0]} (zero at 0, as PyTorch). GELU: {@code g·(Φ(x) + x·φ(x))}. Tanh GELU:
     * {@code g·(½(1+t) + ½x(1−t²)·√(2/π)(1 + 3·0.044715x²))} with {@code t = tanh(√(2/π)(x + 0.044715x³))}.
     */
    private static Tensor backward(float[] g, float[] in, int[] shape, Kind kind) {
        float[] dx = StepBuffers.floats(in.length);   // every element written
        Parallel.forRange(in.length, GRAIN, (from, to) -> {
            switch (kind) {
                case RELU -> reluBackward(g, in, dx, from, to);
                case GELU -> {
                    for (int i = from; i < to; i++) {
                        double v = in[i];
                        dx[i] = (float) (g[i] * (Gaussian.cdf(v) + v * Gaussian.pdf(v)));
                    }
                }
                case GELU_TANH -> geluTanhBackward(g, in, dx, from, to);
            }
        });
        return Tensor.wrap(dx, shape);
    }

    private static final float MINUS_TWO_C = (float) (-2 * SQRT_2_OVER_PI);
    private static final float CUBIC = (float) GELU_CUBIC;

    /**
     * Tanh GELU in float through {@link VecMath#exp}: {@code ½x(1 + tanh a) = x·σ(2a) = x / (1 + e^(−2a))}
     * with {@code a = √(2/π)(x + 0.044715x³)}; {@code e^(−2a)} is computed into {@code out} first.
     * Within a few float ulps of {@link #geluTanhReference} ({@code ActivationsTest}).
     */
    static void geluTanh(float[] in, float[] out, int from, int to) {
        geluTanhExp(in, out, from, to);
        for (int i = from; i < to; i++) {
            out[i] = in[i] / (1f + out[i]);
        }
    }

    /**
     * The tanh GELU's derivative in the same form: with {@code σ = 1/(1 + e^(−2a))},
     * {@code d/dx x·σ = σ + 2x·σ(1 − σ)·a′}, {@code a′ = √(2/π)(1 + 3·0.044715x²)}.
     */
    static void geluTanhBackward(float[] g, float[] in, float[] dx, int from, int to) {
        geluTanhExp(in, dx, from, to);
        float twoC = -MINUS_TWO_C;
        for (int i = from; i < to; i++) {
            float v = in[i];
            float sigma = 1f / (1f + dx[i]);
            // x² capped where σ(1 − σ) is already 0, so that 0 · ∞ does not make a NaN of a huge finite x
            float dInner = twoC * (1f + 3f * CUBIC * Math.min(v * v, 1e30f));
            dx[i] = g[i] * (sigma + v * sigma * (1f - sigma) * dInner);
        }
    }

    private static void geluTanhExp(float[] in, float[] e, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = in[i];
            e[i] = MINUS_TWO_C * (v + CUBIC * v * v * v);
        }
        VecMath.exp(e, from, e, from, to - from);
    }

    /**
     * The plain double loops the float path is tested against: {@code ½x(1 + tanh a)} and its derivative
     * {@code ½(1+t) + ½x(1−t²)a′}, {@code t = tanh a}.
     *
     * @return {forward values, gradients for an upstream gradient of 1}
     */
    static float[][] geluTanhReference(float[] in) {
        float[] y = new float[in.length];
        float[] d = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            double v = in[i];
            double t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
            double dInner = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * v * v);
            y[i] = (float) (0.5 * v * (1.0 + t));
            d[i] = (float) (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * dInner);
        }
        return new float[][] {y, d};
    }
}
