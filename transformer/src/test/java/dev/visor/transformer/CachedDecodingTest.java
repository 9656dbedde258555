package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import dev.visor.transformer.decode.BeamOptions;
import dev.visor.transformer.decode.BeamSearch;
import dev.visor.transformer.decode.DecodingSession;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import dev.visor.transformer.decode.Sampler;
import dev.visor.transformer.decode.SamplingOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding on the KV cache gives the tokens (and, to rounding, the logits) of re-running the whole prefix. */
class CachedDecodingTest {
    static final int BOS = 1;
    static final int EOS = 2;
    static final TokenBatch SRC = TokenBatch.of(new int[][] {{5, 6, 7, 8, 9, 10, 11, 2}, {12, 13, 2}, {14, 2}}, 0);

    static TransformerConfig config(String decoderSelf, String cross) {
        return TransformerConfig.tiny(24).toBuilder().seed(7)
                .masks(MaskPlan.defaults().with(AttentionSite.DECODER_SELF, decoderSelf).with(AttentionSite.CROSS, cross))
                .build();
    }

    static void assertSameTokens(List<Hypothesis> cached, List<Hypothesis> uncached) {
        assertEquals(uncached.size(), cached.size());
        for (int i = 0; i < cached.size(); i++) {
            assertArrayEquals(uncached.get(i).tokens(), cached.get(i).tokens(), "row " + i);
            assertEquals(uncached.get(i).logProb(), cached.get(i).logProb(), 1e-4, "row " + i);
        }
    }

    @Test
    void stepLogitsEqualTheFullForwardPass() {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(config("causal & padding", "padding"));
        model.eval();
        int[][] prefix = {{BOS, 9, 4, 17, 3, 22}, {BOS, 3, 3, 8, 20, 21}, {BOS, 6, 5, 4, 3, 2}};
        Tensor full = model.forward(SRC, TokenBatch.of(prefix, 0));            // (3, 6, vocab)
        DecodingSession s = model.startDecoding(SRC);
        for (int t = 0; t < 6; t++) {
            int[] feed = {prefix[0][t], prefix[1][t], prefix[2][t]};
            float[][] logits = s.step(feed);
            for (int b = 0; b < 3; b++) {
                float[] want = full.select(0, b).select(0, t).toArray();
                for (int v = 0; v < want.length; v++) {
                    assertEquals(want[v], logits[b][v], 1e-5, "row " + b + ", position " + t + ", token " + v);
                }
            }
        }
        assertEquals(6, s.length());
    }

    @Test
    void greedyBeamAndSamplingAgreeWithTheUncachedOracle() {
        for (String[] masks : new String[][] {{"causal & padding", "padding"},
                {"causal & padding & sliding_window(left=2)", "padding & sliding_window(left=1, right=1)"}}) {
            EncoderDecoderTransformer model = Transformers.encoderDecoder(config(masks[0], masks[1]));
            assertSameTokens(Greedy.decode(model.startDecoding(SRC), BOS, EOS, 12),
                    Greedy.decode(model.startDecodingUncached(SRC), BOS, EOS, 12));
            BeamOptions beam = BeamOptions.of(3, 10).withLengthPenalty(0.6).withEarlyStopping(false);
            List<List<Hypothesis>> cached = BeamSearch.decodeNBest(model.startDecoding(SRC), BOS, EOS, beam);
            List<List<Hypothesis>> uncached = BeamSearch.decodeNBest(model.startDecodingUncached(SRC), BOS, EOS, beam);
            for (int r = 0; r < 3; r++) {
                assertSameTokens(cached.get(r), uncached.get(r));
            }
            SamplingOptions sampling = SamplingOptions.of(3).withTemperature(1.5).withTopK(10).withTopP(0.9);
            assertSameTokens(Sampler.decode(model.startDecoding(SRC), BOS, EOS, 12, sampling),
                    Sampler.decode(model.startDecodingUncached(SRC), BOS, EOS, 12, sampling));
        }
    }

    @Test
    void decoderOnlyPromptsDecodeTheSameCachedAndUncached() {
        DecoderOnlyTransformer lm = Transformers.decoderOnly(TransformerConfig.tiny(24).decoderOnly().toBuilder().seed(3).build());
        int[][] prompts = {{BOS, 5, 9, 11}, {BOS, 7, 7, 3}};
        int[] last = {11, 3};
        assertSameTokens(Greedy.decode(lm.startDecoding(prompts), last, EOS, 10),
                Greedy.decode(lm.startDecodingUncached(prompts), last, EOS, 10));
        BeamOptions beam = BeamOptions.of(4, 8);
        assertSameTokens(BeamSearch.decode(lm.startDecoding(prompts), last, EOS, beam),
                BeamSearch.decode(lm.startDecodingUncached(prompts), last, EOS, beam));
        // the primed session continues exactly where the prompt's full forward pass ends
        Tensor full = lm.forward(TokenBatch.of(prompts, 0));
        float[][] step = lm.startDecoding(prompts).step(last);
        float[] want = full.select(0, 0).select(0, 3).toArray();
        for (int v = 0; v < want.length; v++) {
            assertEquals(want[v], step[0][v], 1e-5);
        }
    }

    @Test
    void leftPaddedBatchedGenerationGivesTheTokensOfOneByOneGeneration() {
        for (TransformerConfig.Positional positional : TransformerConfig.Positional.values()) {
            DecoderOnlyTransformer lm = Transformers.decoderOnly(TransformerConfig.tiny(24).decoderOnly().toBuilder()
                    .positional(positional).seed(5).build());
            int[][] prompts = {{BOS, 5}, {BOS, 7, 7, 3, 9, 12}, {BOS, 11, 4}, {BOS}};
            int[] last = new int[prompts.length];
            for (int r = 0; r < prompts.length; r++) last[r] = prompts[r][prompts[r].length - 1];
            List<Hypothesis> batched = Greedy.decode(lm.startDecoding(prompts), last, EOS, 12);
            for (int r = 0; r < prompts.length; r++) {
                List<Hypothesis> alone = Greedy.decode(lm.startDecoding(new int[][] {prompts[r]}), new int[] {last[r]}, EOS, 12);
                assertSameTokens(alone, List.of(batched.get(r)));
            }
            // and the first step's logits agree closely, not just their argmax
            float[][] batchedStep = lm.startDecoding(prompts).step(last);
            for (int r = 0; r < prompts.length; r++) {
                float[] alone = lm.startDecoding(new int[][] {prompts[r]}).step(new int[] {last[r]})[0];
                for (int v = 0; v < alone.length; v++) assertEquals(alone[v], batchedStep[r][v], 1e-4, positional + " row " + r);
            }
        }
    }

    @Test
    void decodingLeavesTheModelInItsModeAndRecordsNoGradients() {
        TransformerConfig cfg = TransformerConfig.tiny(24).toBuilder().dropout(0.3).build();
        EncoderDecoderTransformer model = Transformers.encoderDecoder(cfg);
        assertTrue(model.isTraining());
        List<Hypothesis> a = Greedy.decode(model.startDecoding(SRC), BOS, EOS, 8);
        List<Hypothesis> b = Greedy.decode(model.startDecoding(SRC), BOS, EOS, 8);
        assertSameTokens(a, b);   // dropout was off while decoding
        assertTrue(model.isTraining());
        for (Tensor p : model.parameters()) {
            assertNull(p.grad());
        }
        model.eval();
        Greedy.decode(model.startDecoding(SRC), BOS, EOS, 3);
        assertFalse(model.isTraining());
    }
}
