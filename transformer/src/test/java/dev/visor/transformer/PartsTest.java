package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.GradCheck;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Module;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartsTest {

    @Test
    void sinusoidalTableIsThePapersFormula() {
        int d = 6;
        PositionalEncoding pe = PositionalEncoding.sinusoidal(d, 50);
        Tensor x = Tensor.zeros(1, 50, d);
        float[] table = pe.forward(x, 0).toArray();
        for (int pos = 0; pos < 50; pos++) {
            for (int i = 0; i < d / 2; i++) {
                double angle = pos / Math.pow(10000, 2.0 * i / d);
                assertEquals((float) Math.sin(angle), table[pos * d + 2 * i], "PE(" + pos + ", " + 2 * i + ")");
                assertEquals((float) Math.cos(angle), table[pos * d + 2 * i + 1], "PE(" + pos + ", " + (2 * i + 1) + ")");
            }
        }
        // position 0: sin 0 = 0, cos 0 = 1
        assertArrayEquals(new float[] {0, 1, 0, 1, 0, 1}, java.util.Arrays.copyOf(table, 6));
        assertTrue(pe.stateDict().isEmpty(), "the fixed table is not saved");
        assertTrue(pe.parameters().isEmpty());
    }

    @Test
    void positionalOffsetSelectsLaterRows() {
        PositionalEncoding pe = PositionalEncoding.sinusoidal(8, 20);
        Tensor all = pe.forward(Tensor.zeros(2, 20, 8), 0);
        Tensor tail = pe.forward(Tensor.zeros(2, 3, 8), 7);
        assertArrayEquals(all.narrow(1, 7, 3).toArray(), tail.toArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pe.forward(Tensor.zeros(1, 4, 8), 18));
        assertEquals("positions 18..21 exceed the positional table of 20 positions (max_length); raise max_length",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pe.forward(Tensor.zeros(1, 4, 6), 0));
        assertEquals("positional encoding expects (batch, seq, 8) but got [1, 4, 6]", e.getMessage());
    }

    @Test
    void learnedPositionsAreAParameterWithGradients() {
        PositionalEncoding pe = PositionalEncoding.learned(4, 10, new Rng(1));
        assertEquals(List.of("weight"), List.copyOf(pe.stateDict().keySet()));
        Tensor x = Tensor.zeros(2, 3, 4);
        pe.forward(x, 2).sum().backward();
        float[] g = pe.parameters().get(0).grad().toArray();
        for (int pos = 0; pos < 10; pos++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(pos >= 2 && pos < 5 ? 2f : 0f, g[pos * 4 + j], "grad of position " + pos);
            }
        }
    }

    @Test
    void feedForwardIsLinearActivationLinear() {
        Rng rng = new Rng(3);
        PositionwiseFeedForward ff = new PositionwiseFeedForward(4, 8, TransformerConfig.Activation.GELU, 0.0, rng);
        Tensor x = Tensor.randn(new Rng(4), 2, 3, 4);
        Tensor expected = Functional.linear(Functional.gelu(Functional.linear(x, ff.linear1().weight(), ff.linear1().bias())),
                ff.linear2().weight(), ff.linear2().bias());
        assertArrayEquals(expected.toArray(), ff.forward(x).toArray());
        assertEquals(List.of("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"),
                List.copyOf(ff.stateDict().keySet()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ff.forward(Tensor.zeros(2, 5)));
        assertEquals("input of shape [2, 5] has 5 features but the feed-forward network expects 4", e.getMessage());
    }

    @Test
    void feedForwardReluZeroesNegativeHiddenUnits() {
        PositionwiseFeedForward ff = new PositionwiseFeedForward(2, 3, TransformerConfig.Activation.RELU, 0.0, new Rng(5));
        Tensor x = Tensor.randn(new Rng(6), 4, 2);
        Tensor h = Functional.relu(Functional.linear(x, ff.linear1().weight(), ff.linear1().bias()));
        assertArrayEquals(Functional.linear(h, ff.linear2().weight(), ff.linear2().bias()).toArray(), ff.forward(x).toArray());
    }

    @Test
    void layerNormMatchesTheDefinition() {
        Norm norm = Norm.layerNorm(5, 1e-5);
        Tensor x = Tensor.randn(new Rng(7), 3, 5);
        float[] y = norm.forward(x).toArray();
        float[] xs = x.toArray();
        for (int r = 0; r < 3; r++) {
            double mean = 0;
            double var = 0;
            for (int j = 0; j < 5; j++) {
                mean += xs[r * 5 + j] / 5.0;
            }
            for (int j = 0; j < 5; j++) {
                var += (xs[r * 5 + j] - mean) * (xs[r * 5 + j] - mean) / 5.0;
            }
            for (int j = 0; j < 5; j++) {
                assertEquals((xs[r * 5 + j] - mean) / Math.sqrt(var + 1e-5), y[r * 5 + j], 1e-5);
            }
        }
        assertEquals(List.of("weight", "bias"), List.copyOf(norm.stateDict().keySet()));
    }

    @Test
    void rmsNormMatchesTheDefinitionAndFiniteDifferences() {
        Norm norm = Norm.rms(4, 1e-6);
        Tensor x = Tensor.randn(new Rng(8), 2, 4);
        float[] y = norm.forward(x).toArray();
        float[] xs = x.toArray();
        for (int r = 0; r < 2; r++) {
            double ms = 0;
            for (int j = 0; j < 4; j++) {
                ms += xs[r * 4 + j] * xs[r * 4 + j] / 4.0;
            }
            for (int j = 0; j < 4; j++) {
                assertEquals(xs[r * 4 + j] / Math.sqrt(ms + 1e-6), y[r * 4 + j], 1e-5);
            }
        }
        assertEquals(List.of("weight"), List.copyOf(norm.stateDict().keySet()));
        GradCheck.check(in -> Norm.rms(4, 1e-6).forward(in[0]), Tensor.randn(new Rng(9), 3, 4).requiresGrad(true))
                .assertWithin(1e-2, 1e-3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> norm.forward(Tensor.zeros(2, 3)));
        assertEquals("input of shape [2, 3] has 3 features but the norm expects 4", e.getMessage());
    }

    @Test
    void residualPlacements() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4);
        Norm norm = Norm.layerNorm(4, 1e-5);
        Tensor post = Residual.POST_NORM.apply(x, norm, t -> t, t -> t.mul(2f));
        assertArrayEquals(norm.forward(x.mul(3f)).toArray(), post.toArray());
        Tensor pre = Residual.PRE_NORM.apply(x, norm, t -> t, t -> t.mul(2f));
        assertArrayEquals(x.add(norm.forward(x).mul(2f)).toArray(), pre.toArray());
        assertEquals(Residual.POST_NORM, Residual.of(TransformerConfig.NormPlacement.POST));
        assertEquals(Residual.PRE_NORM, Residual.of(TransformerConfig.NormPlacement.PRE));
    }

    @Test
    void embeddingsAreScaledBySqrtDModelAndPadIsZero() {
        Embeddings e = new Embeddings(10, 16, 0, new Rng(10));
        Tensor out = e.forward(new int[] {3, 0}, 1, 2);
        float[] w = e.weight().toArray();
        float[] o = out.toArray();
        for (int j = 0; j < 16; j++) {
            assertEquals(w[3 * 16 + j] * 4f, o[j]);
            assertEquals(0f, o[16 + j]);
        }
        out.sum().backward();
        float[] g = e.weight().grad().toArray();
        assertEquals(4f, g[3 * 16]);
        assertEquals(0f, g[0], "the pad row gets no gradient");
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> e.forward(new int[] {1, 10}, 2));
        assertEquals("token id 10 at index 1 is outside the vocabulary [0, 10)", ex.getMessage());
    }

    @Test
    void compositeInlinesNamesAndSwitchesModeOfInlinedParts() {
        final class Holder extends Composite {
            final PositionwiseFeedForward ff;

            Holder() {
                ff = inline("feed_forward", new PositionwiseFeedForward(2, 3, TransformerConfig.Activation.RELU, 0.5, new Rng(1)));
                registerModule("norm1", Norm.layerNorm(2, 1e-5));
            }
        }
        Holder h = new Holder();
        assertEquals(List.of("linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias"),
                List.copyOf(h.stateDict().keySet()));
        assertTrue(h.ff.isTraining());
        final class Outer extends Module {
            Outer(Module inner) {
                registerModule("inner", inner);
            }
        }
        Outer outer = new Outer(h);
        assertTrue(outer.isTraining());
        h.eval();
        assertFalse(h.ff.isTraining(), "eval() reaches the inlined part itself");
        assertFalse(h.ff.linear1().isTraining());
    }

    @Test
    void tokenBatchPadsAndFindsLengths() {
        TokenBatch b = TokenBatch.of(new int[][] {{5, 6, 7}, {8}}, 0);
        assertEquals(3, b.length());
        assertArrayEquals(new int[] {5, 6, 7, 8, 0, 0}, b.ids());
        assertArrayEquals(new int[] {3, 1}, b.validLengths());
        assertEquals(4, b.tokenCount());
        TokenBatch p = TokenBatch.padded(new int[] {5, 6, 0, 8, 0, 0}, 2, 3, 0);
        assertArrayEquals(new int[] {2, 1}, p.validLengths());
        assertNull(p.segmentIds());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenBatch.padded(new int[] {5, 0, 7}, 1, 3, 0));
        assertEquals("row 0 has the pad id 0 at position 1 before its last real token at 2; padding must come after the tokens",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.withSegments(new int[][] {{1, 1, 1}, {1}}));
        assertEquals("segment ids row 1 has 1 values but the length is 3", e.getMessage());
        assertEquals(b, TokenBatch.of(new int[][] {{5, 6, 7}, {8}}, 0));
    }
}
