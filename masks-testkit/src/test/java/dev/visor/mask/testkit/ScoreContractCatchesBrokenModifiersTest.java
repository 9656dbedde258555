package dev.visor.mask.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.ParameterType;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each score-modifier contract property fails for a modifier that breaks its rule, and passes for a correct one. */
class ScoreContractCatchesBrokenModifiersTest {

    /** {@code s · w[h] + 0.1 · s²}: one learnable weight per head; each flag breaks one rule. */
    private static final class Quadratic implements ScoreModifier {
        final int heads;
        final boolean badDerivative, badGradient, badSpec, writesTheta;
        boolean badRow;

        Quadratic(int heads, boolean badDerivative, boolean badGradient, boolean badSpec, boolean writesTheta) {
            this.heads = heads;
            this.badDerivative = badDerivative;
            this.badGradient = badGradient;
            this.badSpec = badSpec;
            this.writesTheta = writesTheta;
        }

        public float apply(float s, int b, int h, int q, int k, float[] theta, int at) {
            if (writesTheta) theta[at + h] += 1e-3f;
            return s * theta[at + h] + 0.1f * s * s;
        }

        public float derivative(float s, int b, int h, int q, int k, float[] theta, int at) {
            return theta[at + h] + (badDerivative ? 0.1f : 0.2f) * s;
        }

        public int[] parameterShape() {
            return new int[] {heads};
        }

        public void accumulateGradient(float g, float s, int b, int h, int q, int k, float[] theta, int at, float[] grad) {
            grad[at + h] += g * (badGradient ? 1f : s);
        }

        public boolean dependsOnBatch() {
            return false;
        }

        @Override
        public void applyRow(float[] s, int off, int count, int b, int h, int q, int k0, float[] theta, int at) {
            ScoreModifier.super.applyRow(s, off, count, b, h, q, k0, theta, at);
            if (badRow && count > 1) s[off + count - 1] += 0.5f;   // the last key forgotten
        }

        @Override
        public void backwardRow(float[] s, float[] g, int off, int count, int b, int h, int q, int k0, float[] theta,
                                int at, float[] grad) {
            if (!badRow) {
                ScoreModifier.super.backwardRow(s, g, off, count, b, h, q, k0, theta, at, grad);
                return;
            }
            for (int j = 0; j < count; j++) g[off + j] *= derivative(s[off + j], b, h, q, k0 + j, theta, at);   // no dTheta
        }

        public String spec() {
            return "quadratic" + (badSpec ? "(x=1)" : "");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Quadratic other && heads == other.heads;
        }

        @Override
        public int hashCode() {
            return heads;
        }
    }

    private static ScoreModifierContract contract(boolean badDerivative, boolean badGradient, boolean badSpec,
                                                  boolean writesTheta) {
        return contract(badDerivative, badGradient, badSpec, writesTheta, false);
    }

    private static ScoreModifierContract contract(boolean badDerivative, boolean badGradient, boolean badSpec,
                                                  boolean writesTheta, boolean badRow) {
        ScoreModifierStrategy s = new ScoreModifierStrategy() {
            public String name() {
                return "quadratic";
            }

            public String description() {
                return "a deliberately breakable modifier";
            }

            public List<MaskParameter> parameters() {
                return List.of();
            }

            public ScoreModifier create(MaskArguments args, ScoreContext ctx) {
                Quadratic q = new Quadratic(ctx.heads(), badDerivative, badGradient, badSpec, writesTheta);
                q.badRow = badRow;
                return q;
            }
        };
        return () -> s;
    }

    private static ScoreModifierCase sample(ScoreModifierContract c, long seed) {
        return ScoreModifierCase.of(c.subject(), MaskArguments.of(c.subject(), Map.of()), 3, seed, 50);
    }

    private static void fails(ScoreModifierContract c, Consumer<ScoreModifierCase> property, String mentions) {
        AssertionError e = assertThrows(AssertionError.class, () -> {
            for (long seed = 0; seed < 20; seed++) property.accept(sample(c, seed));
        });
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
    }

    @Test
    void aCorrectModifierPassesEveryProperty() {
        ScoreModifierContract c = contract(false, false, false, false);
        c.declarationIsWellFormed();
        for (long seed = 0; seed < 20; seed++) {
            ScoreModifierCase x = sample(c, seed);
            c.specRoundTrips(x);
            c.creationIsDeterministicAndEvaluationPure(x);
            c.valuesAreFiniteAndParametersConsistent(x);
            c.derivativeEqualsFiniteDifference(x);
            c.parameterGradientEqualsFiniteDifferences(x);
            c.compositionAppliesStagesInOrder(x, 3.0);
            c.declaredBatchIndependenceHolds(x);
            c.rowHookEqualsApply(x);
            c.backwardRowHookEqualsElementwise(x);
        }
    }

    @Test
    void tileHooksThatDisagreeWithTheElementsAreCaught() {
        ScoreModifierContract c = contract(false, false, false, false, true);
        fails(c, c::rowHookEqualsApply, "but apply gives");
        fails(c, c::backwardRowHookEqualsElementwise, "but accumulateGradient gives");
    }

    @Test
    void aWrongDerivativeIsCaught() {
        fails(contract(true, false, false, false), contract(true, false, false, false)::derivativeEqualsFiniteDifference,
                "but the finite difference is");
    }

    @Test
    void aWrongParameterGradientIsCaught() {
        ScoreModifierContract c = contract(false, true, false, false);
        fails(c, c::parameterGradientEqualsFiniteDifferences, "gradient of parameter");
    }

    @Test
    void aSpecThatDoesNotRoundTripIsCaught() {
        ScoreModifierContract c = contract(false, false, true, false);
        fails(c, c::specRoundTrips, "quadratic(x=1)");
    }

    @Test
    void writingThetaIsCaught() {
        ScoreModifierContract c = contract(false, false, false, true);
        fails(c, c::creationIsDeterministicAndEvaluationPure, "apply gave two answers");
    }
}
