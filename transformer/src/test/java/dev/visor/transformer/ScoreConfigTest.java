package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.attention.MultiHeadAttention;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.io.SafeTensors;
import dev.visor.transformer.checkpoint.Checkpoint;
import dev.visor.transformer.decode.DecodingSession;
import dev.visor.transformer.train.Batch;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainerConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Score specs in the config: per-site and per-layer, in JSON and checkpoints, built into every layer. */
class ScoreConfigTest {
    static final String T5 = "relative_bias(buckets=8, max_distance=16, bidirectional=false)";

    static TransformerConfig lm(String decoderSelf) {
        return TransformerConfig.tiny(16).decoderOnly().toBuilder().seed(3).positional(TransformerConfig.Positional.NONE)
                .score(AttentionSite.DECODER_SELF, decoderSelf).build();
    }

    @Test
    void plansKeepCanonicalSpecsWithPerLayerOverrides() {
        ScorePlan plan = ScorePlan.defaults().with(AttentionSite.DECODER_SELF, "alibi")
                .withLayers(AttentionSite.DECODER_SELF, "rope(theta=500)>>softcap(cap=3)", 1);
        assertEquals("alibi", plan.spec(AttentionSite.DECODER_SELF, 0));
        assertEquals("rope(theta=500) >> softcap(cap=3)", plan.spec(AttentionSite.DECODER_SELF, 1));
        assertEquals("none", plan.spec(AttentionSite.CROSS, 1));
        assertTrue(ScorePlan.defaults().isNone());
        assertFalse(plan.isNone());
        assertEquals("the score spec of decoder_self is malformed: expected a score modifier name at column 1 but found '>>'",
                assertThrows(IllegalArgumentException.class, () -> plan.with(AttentionSite.DECODER_SELF, ">> alibi"))
                        .getMessage().replaceAll("\\n.*", ""));
        TransformerConfig ok = TransformerConfig.tiny(16).toBuilder().scores(plan).build();
        assertEquals("score override for site 'decoder_self' names layer 5 but there are only 2 layers (0..1)",
                assertThrows(IllegalArgumentException.class, () -> ok.toBuilder()
                        .scores(plan.withLayers(AttentionSite.DECODER_SELF, "alibi", 5)).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ok.toBuilder().score(AttentionSite.CROSS, "rope")
                .build()).getMessage().startsWith("the cross score spec of layer 0, 'rope', has rope"));
    }

    @Test
    void scoresRoundTripThroughJsonAndOldConfigsReadAsNone() {
        TransformerConfig cfg = TransformerConfig.tiny(16).toBuilder().scores(ScorePlan.defaults()
                .with(AttentionSite.ENCODER_SELF, T5).withLayers(AttentionSite.DECODER_SELF, "rope >> alibi", 1)).build();
        String json = cfg.toJson();
        assertTrue(json.contains("\"scores\": {"), json);
        assertTrue(json.contains("\"1\": \"rope >> alibi\""), json);
        assertEquals(cfg, TransformerConfig.fromJson(json));
        String plain = TransformerConfig.tiny(16).toJson();
        assertFalse(plain.contains("scores"), "a config without score specs keeps the old layout");
        assertEquals(ScorePlan.defaults(), TransformerConfig.fromJson(plain).scores());
    }

    @Test
    void everyLayerGetsItsSpecAndUnknownNamesAreNamedWithSiteAndLayer() {
        TransformerConfig cfg = lm("alibi").toBuilder().scores(ScorePlan.defaults().with(AttentionSite.DECODER_SELF, "alibi")
                .withLayers(AttentionSite.DECODER_SELF, "rope >> " + T5, 1)).build();
        DecoderOnlyTransformer model = Transformers.decoderOnly(cfg);
        Map<String, Tensor> params = model.namedParameters();
        assertFalse(params.containsKey("decoder.layers.0.self_attn.score_parameters"));
        assertArrayEquals(new int[] {4, 8}, params.get("decoder.layers.1.self_attn.score_parameters").shape());
        MultiHeadAttention second = ((MultiHeadAttentionLayer) model.decoder().layers().get(1).selfAttn()).attention();
        assertTrue(second.scores().spec().startsWith("rope(theta=10000.0, fraction=1.0, layout=\"half\") >> relative_bias("));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Transformers.decoderOnly(lm("alibbi")));
        assertTrue(e.getMessage().contains("the decoder_self score spec of layer 0, 'alibbi', is invalid: unknown score modifier"
                + " 'alibbi'"), e.getMessage());
    }

    @Test
    void tablesTrainAndAreSavedInTheCheckpointWeights(@TempDir Path dir) throws Exception {
        TransformerConfig cfg = lm("rope >> " + T5);
        DecoderOnlyTransformer model = Transformers.decoderOnly(cfg);
        Tensor table = model.namedParameters().get("decoder.layers.0.self_attn.score_parameters");
        assertArrayEquals(new float[32], table.toArray());
        new Trainer(model, TrainerConfig.defaults(4).withWarmup(1))
                .train(rng -> Batch.languageModel(new int[][] {{1, 5, 6, 7, 8, 2}, {1, 9, 10, 2}}, 0), null, null);
        assertTrue(Math.abs(table.toArray()[0]) + Math.abs(table.toArray()[1]) > 0, "the table moved in training");
        model.eval();
        Checkpoint.save(dir.resolve("c"), model, null, 4);
        Checkpoint c = Checkpoint.read(dir.resolve("c"));
        assertEquals(cfg, c.config());
        TokenBatch batch = TokenBatch.of(new int[][] {{1, 5, 6, 7}, {1, 9, 2}}, 0);
        assertArrayEquals(model.forward(batch).toArray(), ((DecoderOnlyTransformer) c.model()).forward(batch).toArray());
        Map<String, Tensor> raw = SafeTensors.read(dir.resolve("c").resolve(Checkpoint.MODEL)).tensors();
        assertArrayEquals(table.toArray(), raw.get("decoder.layers.0.self_attn.score_parameters").toArray());
    }

    @Test
    void cachedDecodingEqualsTheFullPassWithRopeAndModifiers() {
        for (String spec : new String[] {"rope >> alibi", "rope(layout=\"interleaved\") >> " + T5}) {
            DecoderOnlyTransformer model = Transformers.decoderOnly(lm(spec));
            model.eval();
            int[][] prefix = {{1, 9, 4, 13, 3, 12}, {1, 3, 3, 8, 10, 11}};
            Tensor full = model.forward(TokenBatch.of(prefix, 0));   // (2, 6, vocab)
            DecodingSession s = model.startDecoding(2);
            for (int t = 0; t < 6; t++) {
                float[][] logits = s.step(new int[] {prefix[0][t], prefix[1][t]});
                for (int b = 0; b < 2; b++) {
                    float[] want = full.select(0, b).select(0, t).toArray();
                    for (int v = 0; v < want.length; v++) {
                        assertEquals(want[v], logits[b][v], 1e-5, spec + ": row " + b + ", position " + t);
                    }
                }
            }
        }
    }
}
