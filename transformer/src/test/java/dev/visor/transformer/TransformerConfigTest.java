package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.transformer.TransformerConfig.Architecture;
import dev.visor.transformer.TransformerConfig.NormPlacement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransformerConfigTest {

    @Test
    void baseIsThePapersModel() {
        TransformerConfig c = TransformerConfig.base(37000, 37000);
        assertEquals(512, c.dModel());
        assertEquals(8, c.heads());
        assertEquals(8, c.kvHeads());
        assertEquals(6, c.encoderLayers());
        assertEquals(6, c.decoderLayers());
        assertEquals(2048, c.dFF());
        assertEquals(0.1, c.dropout());
        assertEquals(0.1, c.attentionDropout());
        assertEquals(NormPlacement.POST, c.normPlacement());
        assertEquals(TransformerConfig.Activation.RELU, c.activation());
        assertEquals(TransformerConfig.Positional.SINUSOIDAL, c.positional());
        assertEquals(64, c.headDim());
        assertEquals("padding", c.masks().spec(AttentionSite.ENCODER_SELF, 3));
        assertEquals("causal & padding", c.masks().spec(AttentionSite.DECODER_SELF, 0));
        assertEquals("padding", c.masks().spec(AttentionSite.CROSS, 5));
    }

    @Test
    void presetsByName() {
        assertEquals(TransformerConfig.tiny(10), TransformerConfig.preset("tiny", 10));
        assertEquals(TransformerConfig.small(10), TransformerConfig.preset("small", 10));
        assertEquals(TransformerConfig.base(10, 10), TransformerConfig.preset("base", 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.preset("huge", 10));
        assertTrue(e.getMessage().contains("'huge'") && e.getMessage().contains("tiny"), e.getMessage());
    }

    @Test
    void rejectsDModelNotDivisibleByHeads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransformerConfig.base(100, 100).toBuilder().dModel(510).build());
        assertEquals("d_model=510 is not divisible by heads=8; each head needs d_model/heads features", e.getMessage());
    }

    @Test
    void rejectsHeadsNotDivisibleByKvHeads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransformerConfig.base(100, 100).toBuilder().kvHeads(3).build());
        assertTrue(e.getMessage().startsWith("heads=8 is not divisible by kv_heads=3"), e.getMessage());
        assertEquals(2, TransformerConfig.base(100, 100).toBuilder().kvHeads(2).build().kvHeads());
    }

    @Test
    void rejectsEachInvalidValueNamingIt() {
        TransformerConfig t = TransformerConfig.tiny(16);
        assertMessage("d_model must be >= 1 but got 0", () -> t.toBuilder().dModel(0).build());
        assertMessage("dropout must be in [0, 1) but got 1.0", () -> t.toBuilder().dropout(1.0).build());
        assertMessage("attention_dropout must be in [0, 1) but got -0.1",
                () -> t.toBuilder().attentionDropout(-0.1).build());
        assertMessage("norm_eps must be finite and > 0 but got 0.0", () -> t.toBuilder().normEps(0).build());
        assertMessage("pad_id=16 is outside the vocabulary [0, 16)", () -> t.toBuilder().padId(16).build());
        assertMessage("eos_id=-1 is outside the vocabulary [0, 16)", () -> t.toBuilder().eosId(-1).build());
        assertMessage("bos_id=0 and eos_id=2 must differ from pad_id=0, or decoded tokens would be taken for padding",
                () -> t.toBuilder().bosId(0).build());
        assertMessage("an encoder-decoder model needs encoder_layers >= 1 and decoder_layers >= 1 but got encoder_layers=0,"
                + " decoder_layers=2", () -> t.toBuilder().encoderLayers(0).build());
        assertMessage("a decoder-only model needs encoder_layers=0 and decoder_layers >= 1 but got encoder_layers=2,"
                + " decoder_layers=2", () -> t.toBuilder().architecture(Architecture.DECODER_ONLY).build());
        assertMessage("a decoder_only model has one vocabulary, so src_vocab_size=16 must equal tgt_vocab_size=20",
                () -> t.decoderOnly().toBuilder().tgtVocabSize(20).build());
        assertEquals(5, t.encoderOnly().toBuilder().tgtVocabSize(5).build().tgtVocabSize(), "a tagger with 5 labels");
        assertMessage("tie_weights shares the head with the embeddings, so an encoder_only model needs tgt_vocab_size"
                + " (the head's classes)=5 equal to src_vocab_size=16",
                () -> t.encoderOnly().toBuilder().tgtVocabSize(5).tieWeights(true).build());
        assertMessage("share_embeddings needs one vocabulary but src_vocab_size=16 and tgt_vocab_size=20",
                () -> t.toBuilder().tgtVocabSize(20).shareEmbeddings(true).build());
        assertMessage("share_embeddings ties the source and target embeddings, which only an encoder-decoder model has,"
                + " but the architecture is decoder_only", () -> t.decoderOnly().toBuilder().shareEmbeddings(true).build());
    }

    @Test
    void maskOverridesMustNameExistingLayersOfExistingSites() {
        TransformerConfig t = TransformerConfig.tiny(16);
        assertMessage("mask override for site 'decoder_self' names layer 2 but there are only 2 layers (0..1)",
                () -> t.toBuilder().masks(MaskPlan.defaults().withLayers(AttentionSite.DECODER_SELF, "causal", 2)).build());
        assertMessage("mask overrides are given for site 'cross' (layers [0]) but a decoder_only model has no cross attention",
                () -> t.decoderOnly().toBuilder().masks(MaskPlan.defaults().withLayers(AttentionSite.CROSS, "full", 0)).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskPlan.defaults().with(AttentionSite.CROSS, "padding &"));
        assertTrue(e.getMessage().startsWith("the mask spec of cross is malformed: "), e.getMessage());
    }

    @Test
    void perLayerOverridesWinOverTheSiteSpec() {
        MaskPlan plan = MaskPlan.defaults()
                .withLayers(AttentionSite.DECODER_SELF, "causal&padding&sliding_window(left=256)", 0, 2)
                .with(AttentionSite.DECODER_SELF, "causal & padding & sliding_window(left=1024)");
        assertEquals("causal & padding & sliding_window(left=256)", plan.spec(AttentionSite.DECODER_SELF, 0));
        assertEquals("causal & padding & sliding_window(left=1024)", plan.spec(AttentionSite.DECODER_SELF, 1));
        assertEquals("causal & padding & sliding_window(left=256)", plan.spec(AttentionSite.DECODER_SELF, 2));
        assertEquals("padding", plan.spec(AttentionSite.ENCODER_SELF, 0));
        assertTrue(plan.withoutOverrides(AttentionSite.DECODER_SELF).overrides(AttentionSite.DECODER_SELF).isEmpty());
    }

    @Test
    void singleStreamConversions() {
        TransformerConfig lm = TransformerConfig.small(100).decoderOnly();
        assertEquals(Architecture.DECODER_ONLY, lm.architecture());
        assertEquals(0, lm.encoderLayers());
        assertEquals(3, lm.decoderLayers());
        TransformerConfig bert = TransformerConfig.small(100).encoderOnly();
        assertEquals(Architecture.ENCODER_ONLY, bert.architecture());
        assertEquals(3, bert.encoderLayers());
        assertEquals(0, bert.decoderLayers());
    }

    @Test
    void jsonRoundTripKeepsEveryField() {
        TransformerConfig c = TransformerConfig.small(300).toBuilder()
                .tgtVocabSize(400).kvHeads(2).dropout(0.2).attentionDropout(0.05).normPlacement(NormPlacement.PRE)
                .activation(TransformerConfig.Activation.GELU).positional(TransformerConfig.Positional.LEARNED)
                .normEps(1e-6).maxLength(99).tieWeights(true).padId(3).bosId(4).eosId(5).seed(-7L)
                .masks(MaskPlan.defaults().with(AttentionSite.CROSS, "padding & !token(ids=[7, 9])")
                        .withLayers(AttentionSite.DECODER_SELF, "causal & sliding_window(left=8)", 0, 2))
                .build();
        String json = c.toJson();
        assertEquals(c, TransformerConfig.fromJson(json));
        assertEquals(json, TransformerConfig.fromJson(json).toJson());
        assertTrue(json.contains("\"norm_placement\": \"pre\""), json);
        assertTrue(json.contains("\"0\": \"causal & sliding_window(left=8)\""), json);
    }

    @Test
    void saveAndLoadAreAtomicFileRoundTrips(@TempDir Path dir) throws IOException {
        TransformerConfig c = TransformerConfig.tiny(20).decoderOnly();
        Path file = dir.resolve("config.json");
        c.save(file);
        assertEquals(c, TransformerConfig.load(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void handWrittenJsonFromAPreset() {
        TransformerConfig c = TransformerConfig.fromJson("""
                {"preset": "tiny", "vocab_size": 12, "norm_placement": "pre",
                 "masks": {"overrides": {"decoder_self": {"1": "causal & sliding_window(left=2)"}}}}""");
        assertEquals(TransformerConfig.tiny(12).toBuilder().normPlacement(NormPlacement.PRE)
                .masks(MaskPlan.defaults().withLayers(AttentionSite.DECODER_SELF, "causal & sliding_window(left=2)", 1))
                .build(), c);
    }

    @Test
    void handWrittenJsonWithoutPresetNeedsTheCoreKeys() {
        assertMessage("the config lacks [heads, encoder_layers, decoder_layers, d_ff, dropout, max_length]; give them, or"
                        + " start from a preset with \"preset\": \"tiny\" | \"small\" | \"base\"",
                () -> TransformerConfig.fromJson("{\"vocab_size\": 10, \"d_model\": 16}"));
        TransformerConfig c = TransformerConfig.fromJson("""
                {"vocab_size": 10, "d_model": 16, "heads": 2, "encoder_layers": 1, "decoder_layers": 3, "d_ff": 24,
                 "dropout": 0.25, "max_length": 40}""");
        assertEquals(2, c.kvHeads());
        assertEquals(0.25, c.attentionDropout());
        assertEquals(3, c.decoderLayers());
        assertEquals(1e-5, c.normEps());
    }

    @Test
    void jsonErrorsNameTheKey() {
        String base = TransformerConfig.tiny(16).toJson();
        assertMessage("unknown config key 'd_modle'; did you mean 'd_model'?",
                () -> TransformerConfig.fromJson(base.replace("\"d_model\"", "\"d_modle\"")), true);
        assertMessage("'heads' must be an integer but got 4.5",
                () -> TransformerConfig.fromJson(base.replace("\"heads\": 4", "\"heads\": 4.5")));
        assertMessage("'norm_placement' is 'psot'; did you mean 'post'?; expected one of [post, pre]",
                () -> TransformerConfig.fromJson(base.replace("\"post\"", "\"psot\"")));
        assertMessage("'tie_weights' must be true or false but got \"yes\"",
                () -> TransformerConfig.fromJson(base.replace("\"tie_weights\": false", "\"tie_weights\": \"yes\"")));
        assertMessage("unknown key 'masks.crosss'; did you mean 'cross'?",
                () -> TransformerConfig.fromJson(base.replace("\"cross\":", "\"crosss\":")), true);
        assertMessage("d_model=30 is not divisible by heads=4; each head needs d_model/heads features",
                () -> TransformerConfig.fromJson(base.replace("\"d_model\": 32", "\"d_model\": 30")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.fromJson("{\"a\":"));
        assertTrue(e.getMessage().startsWith("the Transformer config is not valid JSON: "), e.getMessage());
    }

    @Test
    void loadNamesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{\"preset\": \"tiny\", \"vocab_size\": 8, \"heads\": 3}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.load(file));
        assertTrue(e.getMessage().startsWith(file + ": d_model=32 is not divisible by heads=3"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("missing.json")));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable body) {
        assertMessage(expected, body, false);
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable body, boolean prefix) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, body);
        if (prefix) {
            assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        } else {
            assertEquals(expected, e.getMessage());
        }
    }
}
