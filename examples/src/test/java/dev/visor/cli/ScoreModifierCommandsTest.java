package dev.visor.cli;

import static dev.visor.cli.TrainedModelCommandsTest.run;
import static dev.visor.cli.TrainingRunTest.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.io.SafeTensors;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Score specs and --positional on the command line, and the modifier listing. */
class ScoreModifierCommandsTest {
    static final String T5 = "relative_bias(buckets=8, max_distance=16, bidirectional=false)";

    @Test
    void trainLmTakesScoreSpecsPerLayerAndTheCheckpointKeepsThem(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(40));
        Path out = tmp.resolve("lm");
        CliRunner.Result r = run(concat(new String[] {"train", "lm", "--text", text.toString(), "--out", out.toString(),
            "--positional", "rope", "--score-mod", T5, "--score-mod-layer", "decoder_self:1=softcap(cap=5)"},
                "--steps", "4", "--eval-every", "2", "--d-model", "16", "--heads", "2", "--layers", "2", "--d-ff", "32",
                "--context", "16", "--batch", "4", "--sample", "5"));
        assertEquals(0, r.exitCode(), r::toString);
        String layer0 = "rope(theta=10000.0, fraction=1.0, layout=\"half\") >> relative_bias(buckets=8, max_distance=16, bidirectional=false)";
        assertTrue(r.out().contains("  scores   " + layer0 + "; positional none\n"
                + "           decoder_self layer 1: rope(theta=10000.0, fraction=1.0, layout=\"half\") >> softcap(cap=5.0)\n"), r.out());
        TransformerConfig c = TransformerConfig.load(out.resolve(Checkpoint.CONFIG));
        assertEquals(TransformerConfig.Positional.NONE, c.positional());
        assertEquals(layer0, c.scores().spec(AttentionSite.DECODER_SELF, 0));
        Map<String, Tensor> weights = SafeTensors.read(out.resolve(Checkpoint.MODEL)).tensors();
        assertArrayEquals(new int[] {2, 8}, weights.get("decoder.layers.0.self_attn.score_parameters").shape());

        // the model's own commands run on it: pictures after modification, sampling on the cache, the audit
        Path png = tmp.resolve("att.png");
        CliRunner.Result a = run("attention", "-c", out.toString(), "--input", "the cat", "--png", png.toString());
        assertEquals(0, a.exitCode(), a::toString);
        assertNotNull(ImageIO.read(png.toFile()));
        CliRunner.Result g = run("generate", "-c", out.toString(), "--prompt", "the", "--length", "5");
        assertEquals(0, g.exitCode(), g::toString);
        CliRunner.Result audit = run("audit", "-c", out.toString(), "--samples", "4", "--rounds", "2");
        assertEquals(0, audit.exitCode(), audit::toString);
    }

    @Test
    void badScoreSpecsAreOneLineUsageErrors(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(40));
        CliRunner.Result r = run("train", "lm", "--text", text.toString(), "--score-mod", "alibbi");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("visor train lm: --score-mod: bad score spec: unknown score modifier 'alibbi' at column 1;"
                + " did you mean 'alibi'?"), r.err());
        CliRunner.Result cross = run("train", "lm", "--text", text.toString(), "--cross-score-mod", "alibi");
        assertEquals(2, cross.exitCode(), cross::toString);
        assertTrue(cross.err().contains("drop --encoder-score-mod and --cross-score-mod"), cross.err());
    }

    @Test
    void trainSeq2SeqPrintsEachSitesScoreSpec(@TempDir Path tmp) {
        CliRunner.Result r = run("train", "seq2seq", "--task", "copy", "--steps", "2", "--eval-every", "2", "--d-model", "16",
                "--heads", "2", "--layers", "1", "--d-ff", "32", "--batch", "4", "--out", tmp.resolve("s").toString(),
                "--positional", "alibi", "--cross-score-mod", "softcap(cap=5)", "--score-mod-layer", "encoder_self:0=rope");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("  scores   encoder: alibi(slopes=[]) · decoder: alibi(slopes=[]) · cross: softcap(cap=5.0); positional none\n"
                + "           encoder_self layer 0: rope(theta=10000.0, fraction=1.0, layout=\"half\") >> alibi(slopes=[])\n"), r.out());
    }

    @Test
    void positionalShorthandsPutRopeFirstAndAlibiAfterIt() {
        assertEquals("rope", ScoreOptions.withPosition("none", ScoreOptions.Positional.ROPE));
        assertEquals("rope >> softcap(cap=5.0)", ScoreOptions.withPosition("softcap(cap=5.0)", ScoreOptions.Positional.ROPE));
        assertEquals("rope(theta=7.0) >> alibi >> softcap(cap=5.0)",
                ScoreOptions.withPosition("rope(theta=7.0) >> softcap(cap=5.0)", ScoreOptions.Positional.ALIBI));
        assertEquals("alibi(slopes=[])", ScoreOptions.withPosition("alibi(slopes=[])", ScoreOptions.Positional.ALIBI));
    }

    @Test
    void modifiersAreListedWithTheirParameters() {
        CliRunner.Result r = run("masks", "modifiers");
        assertEquals(0, r.exitCode(), r::toString);
        // the example plugin's temperature is on the test class path
        assertTrue(r.out().startsWith("5 score modifiers: 4 built in, 1 from plugins"), r.out());
        for (String name : new String[] {"alibi", "relative_bias", "rope", "softcap"}) {
            assertTrue(r.out().contains("\n" + name + " — "), name + ": " + r.out());
        }
        assertTrue(r.out().contains("    cap   number  required  the cap, greater than 0"), r.out());
        assertTrue(r.out().contains("    layout    string  \"half\""), r.out());
        CliRunner.Result one = run("masks", "modifiers", "softcap");
        assertTrue(one.out().startsWith("softcap — tanh soft-capping"), one.out());
        CliRunner.Result bad = run("masks", "modifiers", "sofcap");
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("unknown score modifier 'sofcap'; available: [alibi, relative_bias, rope, softcap, temperature]"), bad.err());
    }
}
