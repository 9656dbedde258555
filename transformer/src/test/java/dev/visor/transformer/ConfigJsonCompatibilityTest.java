package dev.visor.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.transformer.train.TrainerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints written before configs moved to Jackson still load. The fixtures under
 * {@code configs-0.1/} were written by the hand-written JSON writer of Visor 0.1 (commit 186fc03),
 * which printed {@code 1e-6} as {@code 0.000001}; Jackson prints it as {@code 1.0E-6}, and both read
 * back to the same double.
 */
class ConfigJsonCompatibilityTest {
    @TempDir
    Path dir;

    @Test
    void aConfigWrittenByTheHandWrittenWriterStillLoads() throws IOException {
        TransformerConfig expected = TransformerConfig.small(300).toBuilder()
                .tgtVocabSize(400).kvHeads(2).dropout(0.2).attentionDropout(0.05)
                .normPlacement(TransformerConfig.NormPlacement.PRE)
                .activation(TransformerConfig.Activation.GELU).positional(TransformerConfig.Positional.LEARNED)
                .normEps(1e-6).maxLength(99).tieWeights(true).padId(3).bosId(4).eosId(5).seed(-7L)
                .masks(MaskPlan.defaults().with(AttentionSite.CROSS, "padding & !token(ids=[7, 9])")
                        .withLayers(AttentionSite.DECODER_SELF, "causal & sliding_window(left=8)", 0, 2))
                .build();
        assertEquals(expected, TransformerConfig.load(fixture("small-gqa.json")));
        assertEquals(TransformerConfig.tiny(16).decoderOnly(), TransformerConfig.load(fixture("tiny-decoder-only.json")));
    }

    @Test
    void theLayoutIsUnchangedButForHowSmallNumbersArePrinted() throws IOException {
        for (String name : new String[] {"small-gqa.json", "tiny-decoder-only.json"}) {
            Path old = fixture(name);
            String rewritten = TransformerConfig.load(old).toJson();
            String before = Files.readString(old).replace("0.000001", "1.0E-6").replace("0.00001", "1.0E-5");
            assertEquals(before, rewritten, name);
        }
    }

    @Test
    void valuesMustHaveTheirTypes() {
        String base = TransformerConfig.tiny(16).toJson();
        assertMessage("'d_model' must be an integer but got \"32\"", base.replace("\"d_model\": 32", "\"d_model\": \"32\""));
        assertMessage("'seed' must be a 64-bit integer but got 1.5", base.replace("\"seed\": 0", "\"seed\": 1.5"));
        assertMessage("'dropout' must be a number but got \"0\"", base.replace("\"dropout\": 0.0", "\"dropout\": \"0\""));
        assertMessage("'heads': Numeric value (3000000000) out of range of int (-2147483648 - 2147483647)",
                base.replace("\"heads\": 4", "\"heads\": 3000000000"));
        assertMessage("'tie_weights' must be true or false but got 1", base.replace("\"tie_weights\": false", "\"tie_weights\": 1"));
        assertMessage("'activation' must be one of [relu, gelu] but got 1", base.replace("\"relu\"", "1"));
        assertMessage("'activation' is 'RELU'; expected one of [relu, gelu]", base.replace("\"relu\"", "\"RELU\""));
        assertMessage("'masks.cross' must be a string but got null", base.replace("\"cross\": \"padding\"", "\"cross\": null"));
        IllegalArgumentException nullValue = assertThrows(IllegalArgumentException.class,
                () -> TransformerConfig.fromJson(base.replace("\"d_model\": 32", "\"d_model\": null")));
        assertTrue(nullValue.getMessage().startsWith("'d_model'"), nullValue.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> TransformerConfig.fromJson(base.replace("\"heads\": 4", "\"heads\": 4, \"heads\": 4")));
        assertTrue(twice.getMessage().contains("Duplicate field 'heads'"), twice.getMessage());
    }

    @Test
    void anyConfigRecordMapsWithoutMappingCode() {
        // TrainerConfig has no JSON code of its own: snake_case keys and its enums
        TrainerConfig plain = TrainerConfig.defaults(100);
        String json = ConfigMapper.toJson(plain);
        assertTrue(json.contains("\"max_consecutive_skips\": "), json);
        assertEquals(plain, ConfigMapper.bind(ConfigMapper.parse(json), TrainerConfig.class));
        TrainerConfig matrices = new TrainerConfig(5, 1, 2, 1e-3, 2, TrainerConfig.Schedule.COSINE, 0.01,
                TrainerConfig.WeightDecayScope.MATRICES, 0.9, 0.98, 1e-9, 0.1, 1.0, 0, 3);
        String json2 = ConfigMapper.toJson(matrices);
        assertTrue(json2.contains("\"weight_decay_scope\": \"matrices\"") && json2.contains("\"schedule\": \"cosine\""), json2);
        assertEquals(matrices, ConfigMapper.bind(ConfigMapper.parse(json2), TrainerConfig.class));
        // paths map as strings, and a nullable component may be null
        WithPath withDir = new WithPath("a", Path.of("runs/a b"));
        String json3 = ConfigMapper.toJson(withDir);
        assertTrue(json3.contains("\"dir\": \"runs/a b\""), json3);
        assertEquals(withDir, ConfigMapper.bind(ConfigMapper.parse(json3), WithPath.class));
        WithPath noDir = new WithPath("b", null);
        assertEquals(noDir, ConfigMapper.bind(ConfigMapper.parse(ConfigMapper.toJson(noDir)), WithPath.class));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigMapper.bind(
                ConfigMapper.parse(json2.replace("\"cosine\"", "\"cosin\"")), TrainerConfig.class));
        assertEquals("'schedule' is 'cosin'; did you mean 'cosine'?; expected one of [inverse_sqrt, cosine, constant]",
                e.getMessage());
        IllegalArgumentException nullEnum = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.fromJson(
                TransformerConfig.tiny(16).toJson().replace("\"relu\"", "null")));
        assertEquals("'activation' must not be null", nullEnum.getMessage());
    }

    /** A record with a nullable path, as run folders have. */
    record WithPath(String name, Path dir) {}

    private static void assertMessage(String expected, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransformerConfig.fromJson(json));
        assertEquals(expected, e.getMessage());
    }

    private Path fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("configs-0.1/" + name)) {
            Path file = dir.resolve(name);
            Files.writeString(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return file;
        }
    }
}
