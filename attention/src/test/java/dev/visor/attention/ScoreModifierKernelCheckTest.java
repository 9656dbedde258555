package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierRegistry;
import org.junit.jupiter.api.Test;

/** The plugin-facing kernel check passes every built-in and catches a modifier whose row hook lies. */
class ScoreModifierKernelCheckTest {
    private static final int HEADS = 3;

    @Test
    void builtinsAndTheirChainPass() {
        ScoreModifierRegistry registry = ScoreModifierRegistry.builtins();
        for (String spec : new String[] {"alibi", "softcap(cap=2)", "relative_bias(buckets=8, max_distance=20)",
                "relative_bias(buckets=6, max_distance=9, bidirectional=false) >> softcap(cap=3) >> alibi"}) {
            ScoreModifierKernelCheck.verify(registry.create(spec, new ScoreContext(HEADS)), HEADS, spec.hashCode());
        }
    }

    @Test
    void aRowHookThatDisagreesWithApplyIsNamed() {
        ScoreModifier lying = new ScoreModifier() {
            @Override
            public float apply(float score, int batch, int head, int query, int key, float[] theta, int at) {
                return score + 0.01f * (query - key);
            }

            @Override
            public float derivative(float score, int batch, int head, int query, int key, float[] theta, int at) {
                return 1;
            }

            @Override
            public void applyRow(float[] scores, int off, int count, int batch, int head, int query, int firstKey,
                                 float[] theta, int at) {
                for (int j = 0; j < count; j++) scores[off + j] += 0.01f * ((query % 64) - (firstKey + j));   // tile-relative: wrong
            }

            @Override
            public String spec() {
                return "lying";
            }
        };
        AssertionError e = assertThrows(AssertionError.class, () -> ScoreModifierKernelCheck.verify(lying, HEADS, 1));
        assertTrue(e.getMessage().contains("lying") && e.getMessage().contains("differs at flat index"), e.getMessage());
    }

    @Test
    void headsMustBePositive() {
        ScoreModifier alibi = ScoreModifierRegistry.builtins().create("alibi", new ScoreContext(1));
        var e = assertThrows(IllegalArgumentException.class, () -> ScoreModifierKernelCheck.verify(alibi, 0, 1));
        assertTrue(e.getMessage().contains("was 0"), e.getMessage());
    }
}
