package dev.visor.example.plugin;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.ParameterType;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.List;

/**
 * {@code temperature(init)}: a learned temperature per head, {@code s' = s · exp(t_h)}, so each head
 * learns how sharp its softmax is (the learnable logit scale of query–key-normalised attention, e.g.
 * Henry et al. 2020, "Query-Key Normalization for Transformers"). The table {@code t} holds one float
 * per head, starts at {@code init} and is trained by backward:
 * <pre>
 *   ∂s'/∂s   = exp(t_h)
 *   ∂L/∂t_h += G · s · exp(t_h)        (G = ∂L/∂s')
 * </pre>
 *
 * <pre>{@code
 * ScoreModifier m = ScoreModifierRegistry.load().create("temperature(init=0.5) >> softcap(cap=30)", new ScoreContext(8));
 * }</pre>
 *
 * @param init the initial log-temperature of every head (0: scores unchanged at the start)
 * @param heads the number of heads, the table's length
 */
public record HeadTemperatureModifier(double init, int heads) implements ScoreModifier {

    /**
     * Checks the values.
     *
     * @param init the initial log-temperature, finite and in [-10, 10]
     * @param heads the number of heads, at least 1
     * @throws IllegalArgumentException naming the value refused
     */
    public HeadTemperatureModifier {
        if (!(init >= -10 && init <= 10)) {
            throw new IllegalArgumentException("temperature init must be a number in [-10, 10] but was " + init);
        }
        if (heads < 1) throw new IllegalArgumentException("temperature needs at least 1 head but got " + heads);
    }

    @Override
    public float apply(float score, int batch, int head, int query, int key, float[] theta, int at) {
        return score * (float) Math.exp(theta[at + head]);
    }

    @Override
    public float derivative(float score, int batch, int head, int query, int key, float[] theta, int at) {
        return (float) Math.exp(theta[at + head]);
    }

    @Override
    public int[] parameterShape() {
        return new int[] {heads};
    }

    @Override
    public void accumulateGradient(float gradient, float score, int batch, int head, int query, int key, float[] theta,
                                   int at, float[] thetaGradient) {
        thetaGradient[at + head] += gradient * score * (float) Math.exp(theta[at + head]);
    }

    @Override
    public void initialise(float[] theta, int at) {
        java.util.Arrays.fill(theta, at, at + heads, (float) init);
    }

    @Override
    public boolean dependsOnBatch() {
        return false;
    }

    @Override
    public String spec() {
        return MaskSpec.call(Strategy.NAME, "init", init).toString();
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code temperature} strategy, found by {@link java.util.ServiceLoader}. */
    public static final class Strategy implements ScoreModifierStrategy {
        static final String NAME = "temperature";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "a learned temperature per head, s · exp(t_h), t starting at init";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.optional("init", ParameterType.NUMBER, 0.0,
                    "initial log-temperature of every head, in [-10, 10]"));
        }

        @Override
        public void validate(MaskArguments args) {
            new HeadTemperatureModifier(args.getNumber("init"), 1);
        }

        @Override
        public ScoreModifier create(MaskArguments args, ScoreContext context) {
            return new HeadTemperatureModifier(args.getNumber("init"), context.heads());
        }
    }
}
