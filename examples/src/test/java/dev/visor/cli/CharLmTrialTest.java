package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.MaskRegistry;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.sweeps.Trial;
import dev.visor.tasks.Vocabulary;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.TransformerConfig;
import dev.visor.sweeps.ResultsFolder;
import dev.visor.sweeps.SweepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code char_lm}'s parameters become a model: masks, positions and score specs. */
class CharLmTrialTest {
    private static final Vocabulary VOCAB = Vocabulary.characters("abcdefgh");
    private static final MaskRegistry MASKS = MaskRegistry.load(CharLmTrialTest.class.getClassLoader());
    private static final ScoreModifierRegistry SCORES = ScoreModifierRegistry.load(CharLmTrialTest.class.getClassLoader());

    private static TransformerConfig config(Map<String, Object> params) {
        return CharLmTrial.config(new Trial("t-s1", "t", params, params, 1), VOCAB, 13, MASKS, SCORES);
    }

    @Test
    void defaultsAreSinusoidsAndNoScoreSpec() {
        TransformerConfig c = config(Map.of());
        assertEquals(TransformerConfig.Positional.SINUSOIDAL, c.positional());
        assertEquals("none", c.scores().spec(AttentionSite.DECODER_SELF));
        assertEquals("causal & padding", c.masks().spec(AttentionSite.DECODER_SELF));
        assertEquals(13, c.maxLength());
    }

    @Test
    void positionalRopeAndAlibiMoveTheirStageIntoTheScoreSpec() {
        TransformerConfig rope = config(Map.of("positional", "rope"));
        assertEquals(TransformerConfig.Positional.NONE, rope.positional());
        assertTrue(rope.scores().spec(AttentionSite.DECODER_SELF).startsWith("rope"), rope.scores().toString());

        TransformerConfig both = config(Map.of("positional", "alibi", "decoder_score", "softcap(cap=30)"));
        String spec = both.scores().spec(AttentionSite.DECODER_SELF);
        assertTrue(spec.startsWith("alibi") && spec.contains("softcap(cap=30"), spec);

        TransformerConfig learned = config(Map.of("positional", "LEARNED", "decoder_score", "rope >> alibi"));
        assertEquals(TransformerConfig.Positional.LEARNED, learned.positional());
        assertTrue(learned.scores().spec(AttentionSite.DECODER_SELF).matches("rope.* >> alibi.*"), learned.scores().toString());
    }

    @Test
    void aSweepComparesPositionalSchemes(@TempDir Path tmp) throws IOException {
        String sweep = """
                {"name": "positions", "trial": "char_lm",
                 "base": {"steps": 6, "eval_every": 3, "d_model": 16, "heads": 2, "layers": 1, "context": 12, "batch": 4, "eval_windows": 4},
                 "grid": {"positional": ["sinusoidal", "rope"], "decoder_score": ["none", "softcap(cap=5)"]},
                 "seeds": [1], "metric": {"name": "held_out_bits_per_char"},
                 "run": {"threads_per_trial": 1, "checkpoint_every": 0}}
                """;
        Path file = Files.writeString(tmp.resolve("positions.json"), sweep);
        Path out = tmp.resolve("out");
        CliRunner.Result r = CliRunner.run("sweep", file.toString(), "--out", out.toString(), "--cores", "2", "--no-plots");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("| positional=rope, decoder_score=softcap(cap=5) | "), r::toString);
        ResultsFolder folder = new ResultsFolder(out);
        java.util.Set<Double> finals = new java.util.HashSet<>();
        for (Trial t : SweepSpec.parse(sweep).trials()) finals.add(folder.readFinal(t).get("held_out_bits_per_char"));
        assertEquals(4, finals.size(), "each scheme trains a different model: " + finals);
    }

    @Test
    void badValuesNameTheTrialAndWhatWasExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config(Map.of("positional", "rotary")));
        assertTrue(e.getMessage().contains("trial t-s1: positional must be one of sinusoidal, learned, rope, alibi or none but is 'rotary'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(Map.of("decoder_score", "softcapp(cap=3)")));
        assertTrue(e.getMessage().startsWith("trial t-s1: bad decoder_score 'softcapp(cap=3)'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(Map.of("decoder_mask", "causal &")));
        assertTrue(e.getMessage().startsWith("trial t-s1: bad decoder_mask 'causal &'"), e.getMessage());
    }
}
