package dev.visor.attention;

import dev.visor.mask.MaskSpec;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierChain;
import dev.visor.mask.ScoreModifierRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How one attention site forms its scores, parsed once from the site's <em>score spec</em>: an
 * optional rotary embedding of queries and keys and an optional score modifier. The spec is a
 * {@code >>} pipeline in the score modifiers' syntax whose first stage may be {@code rope(...)}
 * ({@link RopeStrategy}); the other stages are created by a {@link ScoreModifierRegistry}, plugins
 * included. {@code none} (or a blank spec) is neither, and keeps attention on its plain path.
 *
 * <pre>{@code
 * AttentionScores s = AttentionScores.parse("rope(theta=10000) >> alibi", ScoreModifierRegistry.load(), 8);
 * s.spec();       // rope(theta=10000.0, fraction=1.0, layout="half") >> alibi(slopes=[])
 * MultiHeadAttention.builder(512, 8).scores(s).build(rng);
 * }</pre>
 *
 * @param rope the rotation of queries and keys, or null
 * @param modifier the score modifier (a chain for several), or null
 * @since 0.2
 */
public record AttentionScores(Rope rope, ScoreModifier modifier) {
    /** The spec of plain attention. */
    public static final String NONE_SPEC = "none";

    /** Plain attention: no rotation, no modifier. */
    public static final AttentionScores NONE = new AttentionScores(null, null);

    /**
     * Checks that {@code modifier} is a real score modifier.
     *
     * @param rope the rotation of queries and keys, or null
     * @param modifier the score modifier, or null; never a {@link RopeStrategy.Stage}
     */
    public AttentionScores {
        if (modifier != null && stages(modifier).stream().anyMatch(RopeStrategy.Stage.class::isInstance)) {
            throw new IllegalArgumentException("rope must be the first stage of a score spec, as it rotates queries and"
                    + " keys before any score exists, but the modifier is " + modifier.spec());
        }
    }

    /**
     * Parses a score spec and creates its parts for a site of {@code heads} heads.
     *
     * @param spec e.g. {@code rope(theta=10000) >> alibi}, or {@code none}
     * @param registry creates every stage but {@code rope}
     * @param heads the site's query heads
     * @return the site's scores
     * @throws dev.visor.mask.MaskSpecException for a malformed spec or an unknown name (with its column)
     * @throws IllegalArgumentException when {@code rope} is not first, or a strategy refuses the arguments
     */
    public static AttentionScores parse(String spec, ScoreModifierRegistry registry, int heads) {
        Objects.requireNonNull(registry, "registry");
        if (isNone(spec)) return NONE;
        List<ScoreModifier> stages = stages(registry.with(new RopeStrategy()).create(spec, new ScoreContext(heads)));
        Rope rope = stages.get(0) instanceof RopeStrategy.Stage r ? r.rope() : null;
        List<ScoreModifier> rest = stages.subList(rope == null ? 0 : 1, stages.size());
        for (int i = 0; i < rest.size(); i++) {
            if (rest.get(i) instanceof RopeStrategy.Stage) {
                throw new IllegalArgumentException("rope must be the first stage of the score spec '" + spec
                        + "' (it rotates queries and keys before any score exists) but is stage " + (i + (rope == null ? 1 : 2)));
            }
        }
        return new AttentionScores(rope, rest.isEmpty() ? null : ScoreModifierChain.of(rest));
    }

    /**
     * The canonical form of a spec's syntax, without resolving names (for configs): {@code none}, or
     * its calls joined by {@code >>}.
     *
     * @param spec the score spec
     * @return its canonical syntax
     * @throws dev.visor.mask.MaskSpecException for malformed text, naming the column
     */
    public static String canonicalSyntax(String spec) {
        if (isNone(spec)) return NONE_SPEC;
        StringBuilder b = new StringBuilder();
        for (MaskSpec.Call c : ScoreModifierRegistry.parseSyntax(spec)) b.append(b.length() == 0 ? "" : " >> ").append(c);
        return b.toString();
    }

    /**
     * Whether a spec means plain attention.
     *
     * @param spec the spec, may be null
     * @return true for null, blank or {@code none}
     */
    public static boolean isNone(String spec) {
        return spec == null || spec.isBlank() || spec.strip().equals(NONE_SPEC);
    }

    /**
     * Whether these scores are plain attention's.
     *
     * @return true when there is neither a rotation nor a modifier
     */
    public boolean isNone() {
        return rope == null && modifier == null;
    }

    /**
     * The canonical spec, every parameter printed.
     *
     * @return e.g. {@code rope(theta=10000.0, fraction=1.0, layout="half") >> alibi(slopes=[])}, or {@code none}
     */
    public String spec() {
        if (isNone()) return NONE_SPEC;
        if (rope == null) return modifier.spec();
        return modifier == null ? rope.spec() : rope.spec() + " >> " + modifier.spec();
    }

    /**
     * The number of learnable modifier parameters.
     *
     * @return 0 without a modifier or when it has none
     */
    public int parameterCount() {
        return modifier == null ? 0 : modifier.parameterCount();
    }

    /**
     * The modifier's initial parameters in its parameter shape ({@link ScoreModifier#initialise}).
     *
     * @return a fresh tensor, or null when there are none
     */
    public dev.visor.tensor.Tensor initialParameters() {
        int n = parameterCount();
        if (n == 0) return null;
        float[] theta = new float[n];
        modifier.initialise(theta, 0);
        int[] shape = modifier.parameterShape();
        return dev.visor.tensor.Tensor.wrap(theta, shape.length == 0 ? new int[] {n} : shape);
    }

    private static List<ScoreModifier> stages(ScoreModifier m) {
        return m instanceof ScoreModifierChain c ? new ArrayList<>(c.stages()) : List.of(m);
    }

    @Override
    public String toString() {
        return spec();
    }
}
