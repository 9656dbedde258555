package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierChain;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The contract every {@link ScoreModifierStrategy} must meet, as jqwik properties a plugin's test
 * class gets by implementing this interface and {@link #subject()} (as {@link MaskStrategyContract}
 * is for masks). On random arguments, head counts, parameter values and elements it checks that:
 * <ul>
 *   <li>the declaration is well formed and a registry accepts it;</li>
 *   <li>{@code spec()} is canonical and parses back to an equal modifier (equal hash too);</li>
 *   <li>creation is deterministic and evaluation pure: equal inputs give bit-equal answers, and
 *       {@code theta} is never written;</li>
 *   <li>finite scores give finite scores, and the parameter shape matches the count;</li>
 *   <li>{@code derivative} equals a central finite difference of {@code apply} in the score;</li>
 *   <li>{@code accumulateGradient} equals central finite differences in every learnable parameter,
 *       and touches nothing else;</li>
 *   <li>sequential composition with {@code softcap} applies the stages in order, both ways round,
 *       with the chain rule's derivative and parameters at their offsets, and its spec round-trips;</li>
 *   <li>a modifier that says it ignores the batch does;</li>
 *   <li>the tile hooks {@code applyRow} and {@code backwardRow} equal the element-wise methods on a
 *       whole row of keys (the fused flash kernel calls them; attention's tests check the fused
 *       kernel against the materialised reference).</li>
 * </ul>
 * Tries follow {@code -Djqwik.tries.default}; positions go up to {@code -Dvisor.testkit.maxPosition}
 * (default 300, past {@code relative_bias}'s default {@code max_distance}).
 *
 * <pre>{@code
 * class ShiftContractProperties implements ScoreModifierContract {
 *     public ScoreModifierStrategy subject() { return new ShiftStrategy(); }
 *     public Arbitrary<MaskArguments> arguments() {
 *         return Arbitraries.doubles().between(-2, 2).map(by -> MaskArguments.of(subject(), Map.of("by", by)));
 *     }
 * }
 * }</pre>
 *
 * @since 0.2
 */
public interface ScoreModifierContract {

    /**
     * The strategy under test.
     *
     * @return a fresh or shared instance
     */
    ScoreModifierStrategy subject();

    /**
     * The arguments to create modifiers with; the declared defaults unless overridden (a strategy
     * with a required parameter must override this).
     *
     * @return the arbitrary
     */
    default Arbitrary<MaskArguments> arguments() {
        return Arbitraries.just(MaskArguments.of(subject(), java.util.Map.of()));
    }

    /**
     * The head counts of the generated sites, 1 to 12 by default (powers of two and others).
     *
     * @return the arbitrary
     */
    default Arbitrary<Integer> heads() {
        return Arbitraries.integers().between(1, 12);
    }

    /**
     * The tolerance of the finite-difference checks, relative to {@code max(1, |value|)}.
     *
     * @return 2e-2 by default (float scores, central differences with a step of 1e-2)
     */
    default double finiteDifferenceTolerance() {
        return 2e-2;
    }

    /**
     * The generated cases; override {@link #arguments()} and {@link #heads()} rather than this.
     *
     * @return the arbitrary
     */
    @Provide
    default Arbitrary<ScoreModifierCase> modifierCases() {
        int maxPosition = Integer.getInteger("visor.testkit.maxPosition", 300);
        return Combinators.combine(arguments(), heads(), Arbitraries.longs())
                .as((args, heads, seed) -> ScoreModifierCase.of(subject(), args, heads, seed, maxPosition));
    }

    /**
     * Caps for the composition partner.
     *
     * @return caps in [0.5, 50]
     */
    @Provide
    default Arbitrary<Double> caps() {
        return Arbitraries.doubles().between(0.5, 50);
    }

    /** The subject, plus {@code softcap} as a composition partner unless the subject is called that. */
    private ScoreModifierRegistry registry() {
        ScoreModifierRegistry r = ScoreModifierRegistry.of(subject());
        return subject().name().equals("softcap") ? r : r.with(ScoreModifierRegistry.builtins().find("softcap").orElseThrow());
    }

    // ---- the declaration ----

    /** The name is lower snake case, parameters are unique and described, and a registry accepts it. */
    @Example
    default void declarationIsWellFormed() {
        ScoreModifierStrategy s = subject();
        check(s.name() != null && Pattern.compile("[a-z][a-z0-9_]*").matcher(s.name()).matches(),
                "name '" + s.name() + "' is not lower snake case ([a-z][a-z0-9_]*)");
        check(s.description() != null && !s.description().isBlank(), "score modifier '" + s.name()
                + "' has no description(); one line is shown in help texts");
        Set<String> names = new HashSet<>();
        for (MaskParameter p : s.parameters()) {
            check(names.add(p.name()), "parameter '" + p.name() + "' is declared twice");
            check(!p.description().isBlank(), "parameter '" + p.name() + "' has no description");
        }
        check(registry().names().contains(s.name()), "a registry does not accept the strategy");
    }

    // ---- values ----

    /**
     * The spec names the strategy, is canonical (the registry prints it unchanged), and creates an
     * equal modifier with an equal hash.
     *
     * @param c a case
     */
    @Property
    default void specRoundTrips(@ForAll("modifierCases") ScoreModifierCase c) {
        String spec = c.modifier().spec();
        check(spec != null && spec.startsWith(subject().name()), "spec '" + spec + "' does not start with the name '"
                + subject().name() + "' in " + c);
        ScoreModifierRegistry r = registry();
        String canonical;
        try {
            canonical = r.canonical(spec);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("spec '" + spec + "' does not parse: " + e.getMessage() + " in " + c, e);
        }
        check(canonical.equals(spec), "spec '" + spec + "' is not canonical; the registry prints '" + canonical
                + "' in " + c);
        check(r.canonical(c.arguments().toSpec()).equals(spec), "the arguments " + c.arguments().toSpec()
                + " print as '" + r.canonical(c.arguments().toSpec()) + "' but the modifier's spec is '" + spec + "'");
        ScoreModifier again = r.create(spec, c.context());
        check(again.equals(c.modifier()), "spec '" + spec + "' creates " + again + ", not an equal modifier, in " + c);
        check(again.hashCode() == c.modifier().hashCode(), "equal modifiers have different hash codes in " + c);
    }

    /**
     * Creating twice gives equal modifiers; evaluating twice gives bit-equal answers; no method writes
     * {@code theta}.
     *
     * @param c a case
     */
    @Property
    default void creationIsDeterministicAndEvaluationPure(@ForAll("modifierCases") ScoreModifierCase c) {
        ScoreModifier twin = ScoreModifierRegistry.create(subject(), c.arguments(), c.context());
        check(twin.equals(c.modifier()), "creating twice from " + c.arguments() + " gave unequal modifiers");
        float[] before = c.theta().clone();
        ScoreModifier m = c.modifier();
        float a = c.apply();
        float d = m.derivative(c.score(), c.batch(), c.head(), c.query(), c.key(), c.theta(), 0);
        m.accumulateGradient(1f, c.score(), c.batch(), c.head(), c.query(), c.key(), c.theta(), 0,
                new float[c.theta().length]);
        check(Float.floatToIntBits(a) == Float.floatToIntBits(c.apply()), "apply gave two answers in " + c);
        check(Float.floatToIntBits(d) == Float.floatToIntBits(twin.derivative(c.score(), c.batch(), c.head(),
                c.query(), c.key(), c.theta(), 0)), "derivative gave two answers in " + c);
        check(Arrays.equals(before, c.theta()), "evaluation wrote theta in " + c);
    }

    /**
     * Finite scores stay finite; the shape's product is the count; initial values are finite.
     *
     * @param c a case
     */
    @Property
    default void valuesAreFiniteAndParametersConsistent(@ForAll("modifierCases") ScoreModifierCase c) {
        ScoreModifier m = c.modifier();
        check(Float.isFinite(c.apply()), "apply gave " + c.apply() + " in " + c);
        long product = 1;
        for (int dim : m.parameterShape()) {
            check(dim >= 1, "parameter shape " + Arrays.toString(m.parameterShape()) + " has a dimension below 1");
            product *= dim;
        }
        long expectedCount = m.parameterShape().length == 0 ? 0 : product;
        check(m.parameterCount() == expectedCount, "parameterCount() "
                + m.parameterCount() + " is not the product of parameterShape() " + Arrays.toString(m.parameterShape()));
        float[] init = new float[m.parameterCount() + 2];
        init[0] = 7f;
        init[init.length - 1] = 7f;
        m.initialise(init, 1);
        check(init[0] == 7f && init[init.length - 1] == 7f, "initialise wrote outside its parameters");
        for (int i = 1; i < init.length - 1; i++) check(Float.isFinite(init[i]), "initial parameter " + (i - 1) + " is " + init[i]);
    }

    /**
     * {@code derivative} is the derivative of {@code apply} in the score.
     *
     * @param c a case
     */
    @Property
    default void derivativeEqualsFiniteDifference(@ForAll("modifierCases") ScoreModifierCase c) {
        ScoreModifier m = c.modifier();
        float h = 1e-2f * Math.max(1f, Math.abs(c.score()));
        double up = m.apply(c.score() + h, c.batch(), c.head(), c.query(), c.key(), c.theta(), 0);
        double down = m.apply(c.score() - h, c.batch(), c.head(), c.query(), c.key(), c.theta(), 0);
        double numeric = (up - down) / (2.0 * h);
        double analytic = m.derivative(c.score(), c.batch(), c.head(), c.query(), c.key(), c.theta(), 0);
        check(close(numeric, analytic), "derivative is " + analytic + " but the finite difference is " + numeric
                + " in " + c);
    }

    /**
     * {@code accumulateGradient} adds {@code G · ∂apply/∂theta}, checked against central differences in
     * every parameter, and writes nothing outside this modifier's parameters.
     *
     * @param c a case
     */
    @Property
    default void parameterGradientEqualsFiniteDifferences(@ForAll("modifierCases") ScoreModifierCase c) {
        ScoreModifier m = c.modifier();
        int n = m.parameterCount();
        float g = 0.75f;
        float[] theta = new float[n + 2];                  // one guard on each side, parameters at 1
        System.arraycopy(c.theta(), 0, theta, 1, n);
        float[] grad = new float[n + 2];
        m.accumulateGradient(g, c.score(), c.batch(), c.head(), c.query(), c.key(), theta, 1, grad);
        check(grad[0] == 0 && grad[n + 1] == 0, "accumulateGradient wrote outside its parameters in " + c);
        for (int i = 1; i <= n; i++) {
            float saved = theta[i];
            float h = 1e-2f * Math.max(1f, Math.abs(saved));
            theta[i] = saved + h;
            double up = m.apply(c.score(), c.batch(), c.head(), c.query(), c.key(), theta, 1);
            theta[i] = saved - h;
            double down = m.apply(c.score(), c.batch(), c.head(), c.query(), c.key(), theta, 1);
            theta[i] = saved;
            double numeric = g * (up - down) / (2.0 * h);
            check(close(numeric, grad[i]), "gradient of parameter " + (i - 1) + " is " + grad[i]
                    + " but the finite difference is " + numeric + " in " + c);
        }
    }

    /**
     * {@code m >> softcap} applies m first and {@code softcap >> m} applies it second; the chain's
     * derivative is the product of the stages', its parameters follow the stages' in order, its
     * gradient goes through the later stage, and its spec round-trips through a registry.
     *
     * @param c a case
     * @param cap the partner's cap
     */
    @Property
    default void compositionAppliesStagesInOrder(@ForAll("modifierCases") ScoreModifierCase c,
                                                 @ForAll("caps") double cap) {
        ScoreModifier m = c.modifier();
        ScoreModifier soft = ScoreModifierRegistry.builtins().create("softcap(cap=" + cap + ")", new ScoreContext(1));
        int b = c.batch(), h = c.head(), q = c.query(), k = c.key();
        float s = c.score();
        float[] theta = c.theta();
        ScoreModifier after = ScoreModifierChain.of(List.of(m, soft));
        ScoreModifier before = ScoreModifierChain.of(List.of(soft, m));
        float inner = m.apply(s, b, h, q, k, theta, 0);
        check(after.apply(s, b, h, q, k, theta, 0) == soft.apply(inner, b, h, q, k, theta, 0),
                "(m >> softcap) is not softcap(m(s)) in " + c);
        float capped = soft.apply(s, b, h, q, k, theta, 0);
        check(before.apply(s, b, h, q, k, theta, 0) == m.apply(capped, b, h, q, k, theta, 0),
                "(softcap >> m) is not m(softcap(s)) in " + c);
        double chainRule = (double) m.derivative(s, b, h, q, k, theta, 0) * soft.derivative(inner, b, h, q, k, theta, 0);
        check(close(chainRule, after.derivative(s, b, h, q, k, theta, 0)), "the chain's derivative is not the "
                + "product of the stages' in " + c);
        check(after.parameterCount() == m.parameterCount(), "the chain has " + after.parameterCount()
                + " parameters but its stages " + m.parameterCount());
        float[] grad = new float[theta.length];
        float[] direct = new float[theta.length];
        after.accumulateGradient(1f, s, b, h, q, k, theta, 0, grad);
        m.accumulateGradient(soft.derivative(inner, b, h, q, k, theta, 0), s, b, h, q, k, theta, 0, direct);
        for (int i = 0; i < grad.length; i++) {
            check(close(direct[i], grad[i]), "the chain's gradient of parameter " + i + " is " + grad[i]
                    + " but the chain rule gives " + direct[i] + " in " + c);
        }
        String spec = m.spec() + " >> " + soft.spec();
        check(after.spec().equals(spec), "the chain prints '" + after.spec() + "', not '" + spec + "'");
        check(registry().create(spec, c.context()).equals(after), "'" + spec + "' does not create an equal chain");
    }

    /**
     * The forward tile hook {@link ScoreModifier#applyRow} equals {@link ScoreModifier#apply} element by
     * element (up to float rounding), on a row of keys {@code 0 … query + key} (past the query, so a
     * bias with distance buckets meets every regime), at an offset inside a larger array whose other
     * elements it leaves alone.
     *
     * @param c a case
     */
    @Property
    default void rowHookEqualsApply(@ForAll("modifierCases") ScoreModifierCase c) {
        ScoreModifier m = c.modifier();
        float[] row = rowScores(c);
        int count = row.length - 4;
        float[] hooked = row.clone();
        m.applyRow(hooked, 2, count, c.batch(), c.head(), c.query(), 0, c.theta(), 0);
        check(hooked[0] == row[0] && hooked[1] == row[1] && hooked[count + 2] == row[count + 2]
                && hooked[count + 3] == row[count + 3], "applyRow wrote outside its segment in " + c);
        for (int j = 0; j < count; j++) {
            float expected = m.apply(row[2 + j], c.batch(), c.head(), c.query(), j, c.theta(), 0);
            check(rounding(expected, hooked[2 + j]), "applyRow gives " + hooked[2 + j] + " for key " + j
                    + " but apply gives " + expected + " in " + c);
        }
    }

    /**
     * The backward tile hook {@link ScoreModifier#backwardRow} equals {@link ScoreModifier#derivative}
     * and {@link ScoreModifier#accumulateGradient} element by element, on the row of
     * {@link #rowHookEqualsApply} with some gradients exactly 0 (masked keys), which it leaves 0.
     *
     * @param c a case
     */
    @Property
    default void backwardRowHookEqualsElementwise(@ForAll("modifierCases") ScoreModifierCase c) {
        ScoreModifier m = c.modifier();
        float[] row = rowScores(c);
        int count = row.length - 4;
        float[] grad = new float[row.length];
        for (int j = 0; j < count; j++) grad[2 + j] = j % 5 == 3 ? 0f : (float) Math.sin(0.7 * j + c.score());
        float[] hooked = grad.clone();
        float[] thetaHooked = new float[c.theta().length];
        float[] thetaExpected = new float[c.theta().length];
        m.backwardRow(row, hooked, 2, count, c.batch(), c.head(), c.query(), 0, c.theta(), 0, thetaHooked);
        for (int j = 0; j < count; j++) {
            float g = grad[2 + j];
            if (g == 0f) {
                check(hooked[2 + j] == 0f, "backwardRow turned a zero gradient into " + hooked[2 + j] + " in " + c);
                continue;
            }
            m.accumulateGradient(g, row[2 + j], c.batch(), c.head(), c.query(), j, c.theta(), 0, thetaExpected);
            float expected = g * m.derivative(row[2 + j], c.batch(), c.head(), c.query(), j, c.theta(), 0);
            check(rounding(expected, hooked[2 + j]), "backwardRow gives the score gradient " + hooked[2 + j]
                    + " for key " + j + " but derivative gives " + expected + " in " + c);
        }
        for (int p = 0; p < thetaExpected.length; p++) {
            check(Math.abs(thetaExpected[p] - thetaHooked[p]) <= 1e-4 * Math.max(1, Math.abs(thetaExpected[p])),
                    "backwardRow accumulates " + thetaHooked[p] + " into parameter " + p
                            + " but accumulateGradient gives " + thetaExpected[p] + " in " + c);
        }
    }

    /** Scores for keys {@code 0 … query + key} with two guards on each side. */
    private static float[] rowScores(ScoreModifierCase c) {
        int count = c.query() + c.key() + 1;
        float[] row = new float[count + 4];
        for (int j = 0; j < row.length; j++) row[j] = (float) (c.score() * Math.cos(0.37 * j));
        return row;
    }

    /** Equal up to float rounding: a few ulps of the larger magnitude. */
    private static boolean rounding(float expected, float actual) {
        return Math.abs(expected - actual) <= 1e-5f * Math.max(1f, Math.abs(expected));
    }

    /**
     * A modifier that says it ignores the sequence gives the same answer for every sequence.
     *
     * @param c a case
     */
    @Property
    default void declaredBatchIndependenceHolds(@ForAll("modifierCases") ScoreModifierCase c) {
        ScoreModifier m = c.modifier();
        if (m.dependsOnBatch()) return;
        for (int b = 0; b < 4; b++) {
            check(m.apply(c.score(), b, c.head(), c.query(), c.key(), c.theta(), 0) == c.apply(),
                    "dependsOnBatch() is false but sequence " + b + " gives another answer in " + c);
        }
    }

    private boolean close(double expected, double actual) {
        return Math.abs(expected - actual) <= finiteDifferenceTolerance() * Math.max(1, Math.abs(expected));
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new AssertionError(message);
    }
}
