package dev.visor.mask.builtin;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.ParameterType;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.List;

/**
 * {@code softcap(cap)}: logit soft-capping as in Gemma 2, {@code s' = cap · tanh(s / cap)}, which
 * keeps every score in {@code (-cap, cap)} and is the identity to first order near 0. Its derivative
 * is {@code 1 − tanh²(s / cap)}. Evaluated in double precision and rounded to float.
 *
 * <pre>{@code
 * ScoreModifier m = new SoftcapModifier(30);   // "softcap(cap=30.0)"
 * }</pre>
 *
 * @param cap the cap, finite and greater than 0
 * @since 0.2
 */
public record SoftcapModifier(double cap) implements ScoreModifier {

    /**
     * Checks the cap.
     *
     * @param cap the cap, finite and greater than 0
     */
    public SoftcapModifier {
        if (!(cap > 0) || !Double.isFinite(cap)) {
            throw new IllegalArgumentException("softcap cap must be a finite number greater than 0 but was " + cap);
        }
    }

    @Override
    public float apply(float score, int batch, int head, int query, int key, float[] theta, int at) {
        return (float) (cap * Math.tanh(score / cap));
    }

    @Override
    public float derivative(float score, int batch, int head, int query, int key, float[] theta, int at) {
        double t = Math.tanh(score / cap);
        return (float) (1 - t * t);
    }

    /** The row without a call per element (same arithmetic as {@link #apply}). */
    @Override
    public void applyRow(float[] scores, int off, int count, int batch, int head, int query, int firstKey,
                         float[] theta, int at) {
        for (int j = off; j < off + count; j++) scores[j] = (float) (cap * Math.tanh(scores[j] / cap));
    }

    /** {@code G · (1 − tanh²(s / cap))} per element, as {@link #derivative}; there are no parameters. */
    @Override
    public void backwardRow(float[] scores, float[] gradients, int off, int count, int batch, int head, int query,
                            int firstKey, float[] theta, int at, float[] thetaGradient) {
        for (int j = off; j < off + count; j++) {
            double t = Math.tanh(scores[j] / cap);
            gradients[j] *= (float) (1 - t * t);
        }
    }

    @Override
    public boolean dependsOnBatch() {
        return false;
    }

    @Override
    public String spec() {
        return MaskSpec.call("softcap", "cap", cap).toString();
    }

    /** The strategy of {@code softcap}. */
    public static final class Strategy implements ScoreModifierStrategy {
        @Override
        public String name() {
            return "softcap";
        }

        @Override
        public String description() {
            return "tanh soft-capping of scores, cap · tanh(s / cap) (Gemma 2)";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("cap", ParameterType.NUMBER, "the cap, greater than 0"));
        }

        @Override
        public void validate(MaskArguments args) {
            double cap = args.getNumber("cap");
            if (!(cap > 0)) throw new IllegalArgumentException("cap must be greater than 0 but was " + cap);
        }

        @Override
        public ScoreModifier create(MaskArguments args, ScoreContext context) {
            return new SoftcapModifier(args.getNumber("cap"));
        }
    }
}
