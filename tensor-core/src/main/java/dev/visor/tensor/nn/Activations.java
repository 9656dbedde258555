package dev.visor.tensor.nn;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.VecMath;

/** Element-wise activations (ReLU, exact and tanh GELU) with fused backward passes. */
final class Activations {
    private Activations() {}

    private static final int GRAIN = 1 << 14;
    private static final double SQRT_2_OVER_PI = 0.7978845608028654;
    private static final double GELU_CUBIC = 0.044715;

    enum Kind { RELU, GELU, GELU_TANH }

    static Tensor forward(Tensor x, Kind kind) {
        float[] in = Dense.of(x);
        float[] out = new float[in.length];
        Parallel.forRange(in.length, GRAIN, (from, to) -> {
            switch (kind) {
                case RELU -> VecMath.relu(in, from, out, from, to - from); // NaN passes through, as in PyTorch
                case GELU -> {
                    for (int i = from; i < to; i++) {
                        double v = in[i];
                        out[i] = (float) (v * Gaussian.cdf(v));
                    }
                }
                case GELU_TANH -> {
                    for (int i = from; i < to; i++) {
                        double v = in[i];
                        out[i] = (float) (0.5 * v * (1.0 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v))));
                    }
                }
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
        float[] dx = new float[in.length];
        Parallel.forRange(in.length, GRAIN, (from, to) -> {
            switch (kind) {
                case RELU -> reluBackward(g, in, dx, from, to);
                case GELU -> {
                    for (int i = from; i < to; i++) {
                        double v = in[i];
                        dx[i] = (float) (g[i] * (Gaussian.cdf(v) + v * Gaussian.pdf(v)));
                    }
                }
                case GELU_TANH -> {
                    for (int i = from; i < to; i++) {
                        double v = in[i];
                        double t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
                        double dInner = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * v * v);
                        dx[i] = (float) (g[i] * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * dInner));
                    }
                }
            }
        });
        return Tensor.wrap(dx, shape);
    }
}
