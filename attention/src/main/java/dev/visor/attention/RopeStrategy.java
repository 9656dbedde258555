package dev.visor.attention;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.ParameterType;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.List;
import java.util.Objects;

/**
 * The {@code rope(theta=10000, fraction=1, layout="half")} stage of a score spec: parses and checks a
 * {@link Rope} with the score modifiers' argument rules, so {@code rope(...) >> alibi} reads as one
 * pipeline. It is deliberately not registered with {@link java.util.ServiceLoader}: RoPE rotates
 * queries and keys before any score exists, so only {@link AttentionScores#parse} may take it out of
 * a spec; its {@link Stage} refuses to act on a score.
 *
 * <pre>{@code
 * AttentionScores s = AttentionScores.parse("rope(theta=500000) >> softcap(cap=30)", registry, 8);
 * s.rope();   // Rope[theta=500000.0, fraction=1.0, layout=HALF]
 * }</pre>
 *
 * @since 0.2
 */
public final class RopeStrategy implements ScoreModifierStrategy {
    /** The name in score specs. */
    public static final String NAME = "rope";

    /** Creates the strategy. */
    public RopeStrategy() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "rotary position embedding of queries and keys (RoFormer; Llama, GPT-J); must come first in a score spec";
    }

    @Override
    public List<MaskParameter> parameters() {
        return List.of(
                MaskParameter.optional("theta", ParameterType.NUMBER, 10_000.0, "the base, greater than 1"),
                MaskParameter.optional("fraction", ParameterType.NUMBER, 1.0, "the share of head features that rotate, in (0, 1]"),
                MaskParameter.optional("layout", ParameterType.STRING, "half",
                        "which features pair up: half (Llama, GPT-NeoX) or interleaved (GPT-J)"));
    }

    @Override
    public void validate(MaskArguments args) {
        rope(args);
    }

    @Override
    public ScoreModifier create(MaskArguments args, ScoreContext context) {
        return new Stage(rope(args));
    }

    private static Rope rope(MaskArguments args) {
        String layout = args.getString("layout");
        Rope.Layout l = switch (layout) {
            case "half" -> Rope.Layout.HALF;
            case "interleaved" -> Rope.Layout.INTERLEAVED;
            default -> throw new IllegalArgumentException("rope layout must be \"half\" or \"interleaved\" but was \""
                    + layout + "\"");
        };
        return new Rope(args.getNumber("theta"), args.getNumber("fraction"), l);
    }

    /**
     * A parsed {@code rope(...)} stage: carries its {@link Rope} out of the parser. Not a score
     * modifier in effect — {@link #apply} and {@link #derivative} throw.
     *
     * @param rope the rotation
     */
    public record Stage(Rope rope) implements ScoreModifier {
        /**
         * Checks the rotation.
         *
         * @param rope the rotation, not null
         */
        public Stage {
            Objects.requireNonNull(rope, "rope");
        }

        @Override
        public float apply(float score, int batch, int head, int query, int key, float[] theta, int at) {
            throw refused();
        }

        @Override
        public float derivative(float score, int batch, int head, int query, int key, float[] theta, int at) {
            throw refused();
        }

        @Override
        public boolean dependsOnBatch() {
            return false;
        }

        @Override
        public String spec() {
            return rope.spec();
        }

        private UnsupportedOperationException refused() {
            return new UnsupportedOperationException(spec() + " rotates queries and keys, not scores; give it to"
                    + " MultiHeadAttention as the first stage of a score spec (AttentionScores.parse)");
        }
    }
}
