package dev.visor.tensor.nn;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * In-place initialisers for parameters, like {@code torch.nn.init}. They write straight into the
 * tensor's storage (no autograd), drawing values in row-major order from the given {@link Rng}, so
 * a seed fixes a model's initial weights.
 *
 * <pre>{@code
 * for (Tensor p : model.parameters()) {
 *     if (p.dim() > 1) Init.xavierUniform(p, 1.0, rng);      // as torch.nn.Transformer does
 * }
 * }</pre>
 */
public final class Init {
    private Init() {}

    /**
     * Fills with values drawn uniformly from {@code [low, high)}.
     *
     * @param t the tensor
     * @param low the lower bound (inclusive)
     * @param high the upper bound (exclusive)
     * @param rng the random source
     * @return {@code t}
     */
    public static Tensor uniform(Tensor t, double low, double high, Rng rng) {
        if (!(low <= high) || Double.isInfinite(low) || Double.isInfinite(high)) {
            throw new IllegalArgumentException("uniform init needs finite low <= high but got low=" + low + ", high=" + high);
        }
        float[] d = dense(t);
        for (int i = t.offset(); i < d.length; i++) {
            d[i] = (float) (low + (high - low) * rng.nextDouble());
        }
        return t;
    }

    /**
     * Fills with values drawn from {@code N(mean, std²)}.
     *
     * @param t the tensor
     * @param mean the mean
     * @param std the standard deviation
     * @param rng the random source
     * @return {@code t}
     */
    public static Tensor normal(Tensor t, double mean, double std, Rng rng) {
        if (!(std >= 0) || Double.isInfinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("normal init needs a finite mean and std >= 0 but got mean=" + mean + ", std=" + std);
        }
        float[] d = dense(t);
        for (int i = t.offset(); i < d.length; i++) {
            d[i] = (float) (mean + std * rng.nextGaussian());
        }
        return t;
    }

    /**
     * Fills with {@code value}.
     *
     * @param t the tensor
     * @param value the value
     * @return {@code t}
     */
    public static Tensor constant(Tensor t, float value) {
        Arrays.fill(dense(t), t.offset(), t.storage().length, value);
        return t;
    }

    /**
     * Fills with zeros.
     *
     * @param t the tensor
     * @return {@code t}
     */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0f);
    }

    /**
     * Fills with ones.
     *
     * @param t the tensor
     * @return {@code t}
     */
    public static Tensor ones(Tensor t) {
        return constant(t, 1f);
    }

    /**
     * Glorot and Bengio (2010): {@code U(−a, a)} with {@code a = gain·sqrt(6 / (fanIn + fanOut))}.
     * Fans as in PyTorch: for a weight {@code (out, in, k...)}, {@code fanIn = in·Πk} and
     * {@code fanOut = out·Πk}.
     *
     * @param t the tensor
     * @param gain the gain
     * @param rng the random source
     * @return glorot and Bengio (2010): {@code U(−a, a)} with {@code a = gain·sqrt(6 / (fanIn + fanOut))}
     */
    public static Tensor xavierUniform(Tensor t, double gain, Rng rng) {
        int[] fans = fans(t);
        double a = gain * Math.sqrt(6.0 / (fans[0] + fans[1]));
        return uniform(t, -a, a, rng);
    }

    /**
     * He et al. (2015) uniform init for a layer followed by a leaky ReLU of slope {@code a}:
     * {@code U(−b, b)} with {@code b = sqrt(2 / (1 + a²)) · sqrt(3 / fanIn)}. PyTorch's default for
     * {@code Linear} weights uses {@code a = √5}, which gives {@code b = 1/sqrt(fanIn)}.
     *
     * @param t the tensor
     * @param a the negative slope of the leaky ReLU
     * @param rng the random source
     * @return {@code t}
     */
    public static Tensor kaimingUniform(Tensor t, double a, Rng rng) {
        int fanIn = fans(t)[0];
        double bound = Math.sqrt(2.0 / (1.0 + a * a)) * Math.sqrt(3.0 / fanIn);
        return uniform(t, -bound, bound, rng);
    }

    /** {@code {fanIn, fanOut}} of a weight of rank ≥ 2. */
    static int[] fans(Tensor t) {
        int[] s = t.shape();
        if (s.length < 2) {
            throw new IllegalArgumentException("fan in and fan out need a weight of rank >= 2 but the shape is " + Shape.str(s));
        }
        int receptive = Dense.prod(s, 2, s.length);
        int fanIn = s[1] * receptive;
        int fanOut = s[0] * receptive;
        if (fanIn == 0 || fanOut == 0) {
            throw new IllegalArgumentException("cannot initialise a weight of shape " + Shape.str(s) + " with no fan in or fan out");
        }
        return new int[] {fanIn, fanOut};
    }

    /** The storage of a tensor that owns it: its elements are {@code [t.offset(), storage.length)}. */
    private static float[] dense(Tensor t) {
        Objects.requireNonNull(t, "tensor");
        if (!t.ownsStorage()) {
            throw new IllegalArgumentException("in-place init needs a tensor that owns dense storage but got shape "
                    + Shape.str(t.shape()) + " with strides " + Arrays.toString(t.strides()) + " at offset " + t.offset());
        }
        return t.storage();
    }
}
