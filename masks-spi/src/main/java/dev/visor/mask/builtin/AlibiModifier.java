package dev.visor.mask.builtin;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.ParameterType;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.Arrays;
import java.util.List;

/**
 * {@code alibi(slopes)}: attention with linear biases (Press et al. 2022, "Train Short, Test Long"),
 * {@code s' = s + m_h · (k − q)} for query position {@code q}, key position {@code k} and head slope
 * {@code m_h}, in float arithmetic. For the keys a causal query sees ({@code k ≤ q}) this is the
 * paper's penalty {@code −m_h · (q − k)}; later keys get the mirrored bonus, so combine it with a
 * causal mask as the paper does.
 *
 * <p>With {@code slopes=[]} (the default) the slopes are the paper's geometric sequence for the
 * site's head count {@code H}: {@code m_h = 2^(−8(h+1)/H)} when {@code H} is a power of two;
 * otherwise, as in the paper's code and BLOOM's {@code build_alibi_tensor}, the {@code 2^⌊log2 H⌋}
 * slopes of the nearest lower power of two followed by every other slope of the sequence for twice
 * that power (indices 0, 2, 4, ..., Python's {@code [0::2]}) until there are {@code H}. An explicit list
 * gives one finite slope per head.
 *
 * <pre>{@code
 * ScoreModifier m = AlibiModifier.standard(8);   // slopes 1/2, 1/4, ..., 1/256; spec "alibi(slopes=[])"
 * }</pre>
 *
 * @since 0.2
 */
public final class AlibiModifier implements ScoreModifier {
    private final double[] given;   // the slopes as specified (or computed), for spec and equality
    private final float[] slopes;   // the same, rounded to float, for arithmetic
    private final boolean explicit;

    private AlibiModifier(double[] given, boolean explicit) {
        this.given = given;
        this.slopes = toFloat(given);
        this.explicit = explicit;
    }

    /**
     * The standard slopes for a head count.
     *
     * @param heads the number of heads, at least 1
     * @return the modifier; its spec is {@code alibi(slopes=[])}
     */
    public static AlibiModifier standard(int heads) {
        return new AlibiModifier(standardSlopes(heads), false);
    }

    /**
     * Explicit slopes, one per head.
     *
     * @param slopes finite slopes, at least one
     * @return the modifier; its spec lists the slopes
     */
    public static AlibiModifier of(double... slopes) {
        if (slopes.length == 0) throw new IllegalArgumentException("alibi needs at least one slope");
        for (int i = 0; i < slopes.length; i++) {
            if (!Double.isFinite(slopes[i])) {
                throw new IllegalArgumentException("alibi slope " + i + " must be finite but was " + slopes[i]);
            }
        }
        return new AlibiModifier(slopes.clone(), true);
    }

    /**
     * The ALiBi paper's slopes ({@code get_slopes} of ofirpress/attention_with_linear_biases).
     *
     * @param heads the number of heads, at least 1
     * @return {@code heads} slopes, in double precision
     */
    public static double[] standardSlopes(int heads) {
        if (heads < 1) throw new IllegalArgumentException("alibi needs at least 1 head but got " + heads);
        int closest = Integer.highestOneBit(heads);
        double[] out = new double[heads];
        double[] base = powerOfTwoSlopes(closest);
        System.arraycopy(base, 0, out, 0, closest);
        if (closest < heads) {
            double[] extra = standardSlopes(2 * closest);
            for (int i = 0; i < heads - closest; i++) out[closest + i] = extra[2 * i];
        }
        return out;
    }

    /** {@code start = 2^(−2^−(log2 n − 3)) = 2^(−8/n)}, slopes {@code start^(i+1)}. */
    private static double[] powerOfTwoSlopes(int n) {
        double log2 = Math.log(n) / Math.log(2);
        double start = Math.pow(2, -Math.pow(2, -(log2 - 3)));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = start * Math.pow(start, i);
        return out;
    }

    private static float[] toFloat(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (float) a[i];
        return out;
    }

    /** @return a copy of the per-head slopes, rounded to float as the arithmetic uses them */
    public float[] slopes() {
        return slopes.clone();
    }

    /**
     * The slope of one head.
     *
     * @param head the head
     * @return its slope
     * @throws IllegalArgumentException if the head is out of range
     */
    public float slope(int head) {
        if (head < 0 || head >= slopes.length) {
            throw new IllegalArgumentException("head " + head + " is outside [0, " + slopes.length + ") of alibi");
        }
        return slopes[head];
    }

    @Override
    public float apply(float score, int batch, int head, int query, int key, float[] theta, int at) {
        return score + slopes[head] * (float) (key - query);
    }

    @Override
    public float derivative(float score, int batch, int head, int query, int key, float[] theta, int at) {
        return 1f;
    }

    /** The row as one loop over {@code slope · (float) (k − q)}, the same arithmetic as {@link #apply}. */
    @Override
    public void applyRow(float[] scores, int off, int count, int batch, int head, int query, int firstKey,
                         float[] theta, int at) {
        float slope = slopes[head];
        int d0 = firstKey - query;
        for (int j = 0; j < count; j++) scores[off + j] += slope * (float) (d0 + j);
    }

    /** Nothing to do: the derivative is 1 and there are no parameters. */
    @Override
    public void backwardRow(float[] scores, float[] gradients, int off, int count, int batch, int head, int query,
                            int firstKey, float[] theta, int at, float[] thetaGradient) {
    }

    @Override
    public boolean dependsOnBatch() {
        return false;
    }

    @Override
    public String spec() {
        return MaskSpec.call("alibi", "slopes", explicit ? given : new double[0]).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AlibiModifier a && explicit == a.explicit && Arrays.equals(given, a.given);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(given) + Boolean.hashCode(explicit);
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The strategy of {@code alibi}. */
    public static final class Strategy implements ScoreModifierStrategy {
        @Override
        public String name() {
            return "alibi";
        }

        @Override
        public String description() {
            return "linear position bias s + m_h·(k − q), geometric slopes by default (ALiBi)";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.optional("slopes", ParameterType.NUMBER_LIST, List.of(),
                    "one slope per head; [] for the standard 2^(-8(h+1)/H)"));
        }

        @Override
        public ScoreModifier create(MaskArguments args, ScoreContext context) {
            double[] slopes = args.getNumberList("slopes");
            if (slopes.length == 0) return standard(context.heads());
            if (slopes.length != context.heads()) {
                throw new IllegalArgumentException("alibi has " + slopes.length + " slopes "
                        + Arrays.toString(slopes) + " but the site has " + context.heads() + " heads");
            }
            return of(slopes);
        }
    }
}
