package dev.visor.cli;

import static dev.visor.cli.TrainedModelCommandsTest.assertError;
import static dev.visor.cli.TrainedModelCommandsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.transformer.ConfigMapper;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run folder of the training commands: --resume in place with stored settings, --force, --save-every, --out checks, papercuts. */
class TrainingRunTest {
    static final String[] TINY_LM = {"--steps", "10", "--eval-every", "5", "--d-model", "16", "--heads", "2", "--layers", "1",
        "--d-ff", "32", "--context", "16", "--batch", "8", "--sample", "0"};

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void resumeContinuesInTheSameFolderWithTheStoredTextAndSettings(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(40));
        Path dir = tmp.resolve("lm");
        CliRunner.Result first = run(concat(new String[] {"train", "lm", "--text", text.toString(), "--out", dir.toString(),
            "--lr", "0.002", "--save-every", "4"}, TINY_LM));
        assertEquals(0, first.exitCode(), first::toString);
        Map<String, Object> info = ConfigMapper.readObject(dir.resolve("visor.json"));
        @SuppressWarnings("unchecked") Map<String, Object> training = (Map<String, Object>) info.get("training");
        @SuppressWarnings("unchecked") Map<String, Object> data = (Map<String, Object>) info.get("data");
        assertEquals(10L, ((Number) training.get("last_step")).longValue());
        assertEquals(0.002, training.get("lr"));
        assertEquals(text.toAbsolutePath().toString(), data.get("text"));
        assertEquals(0.1, data.get("held_out"));

        // a run stopped at step 10 of a planned 16 (as Ctrl-C leaves it): --resume alone finishes it, in place
        training.put("last_step", 16L);
        Map<String, Object> edited = new LinkedHashMap<>(info);
        edited.put("training", training);
        Files.writeString(dir.resolve("visor.json"), ConfigMapper.toJson(edited));
        CliRunner.Result resumed = run("train", "lm", "--resume", dir.toString(), "--sample", "0");
        assertEquals(0, resumed.exitCode(), resumed::toString);
        assertTrue(resumed.out().contains("Continuing a character language model from step 10 to step 16; checkpoint → " + dir),
                resumed::toString);
        assertTrue(resumed.out().contains("  text     " + text + ": 960 characters"), "the stored text: " + resumed.out());
        assertEquals(16, Checkpoint.read(dir).step());
        @SuppressWarnings("unchecked") Map<String, Object> after = (Map<String, Object>) ConfigMapper.readObject(dir.resolve("visor.json")).get("training");
        assertEquals(0.002, after.get("lr"), "the stored learning rate was used");
        assertFalse(Files.exists(tmp.resolve("runs")), "nothing went to the default folder");

        assertError(2, "visor train lm: the checkpoint has already trained its 16 steps; give --steps N to train N more",
                "train", "lm", "--resume", dir.toString());
        CliRunner.Result more = run("train", "lm", "--resume", dir.toString(), "--steps", "3", "--sample", "0");
        assertEquals(0, more.exitCode(), more::toString);
        assertEquals(19, Checkpoint.read(dir).step());
        assertError(2, "visor train lm: --resume continues with the checkpoint's --context and --held-out; drop them",
                "train", "lm", "--resume", dir.toString(), "--steps", "3", "--context", "8");

        Files.writeString(text, "a different text, with other letters: xyz. ".repeat(30));
        assertError(1, "visor train lm: the text " + text + " changed since the checkpoint was saved (its SHA-256 differs); "
                + "pass --text FILE with the text it was trained on", "train", "lm", "--resume", dir.toString(), "--steps", "1");
    }

    @Test
    void anExistingCheckpointIsOnlyOverwrittenWithForce(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(40));
        Path dir = tmp.resolve("lm");
        String[] train = concat(new String[] {"train", "lm", "--text", text.toString(), "--out", dir.toString()}, TINY_LM);
        assertEquals(0, run(train).exitCode());
        byte[] before = Files.readAllBytes(dir.resolve("model.safetensors"));
        CliRunner.Result refused = run(train);
        assertEquals(2, refused.exitCode(), refused::toString);
        assertEquals("visor train lm: --out " + dir + " already holds a checkpoint; continue it with --resume " + dir
                + ", overwrite it with --force, or choose another --out", refused.err().strip());
        assertFalse(refused.out().contains("step "), "refused before training: " + refused.out());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("model.safetensors"))));
        CliRunner.Result forced = run(concat(train, "--force"));
        assertEquals(0, forced.exitCode(), forced::toString);
    }

    @Test
    void anUnwritableOutIsReportedBeforeTraining(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("file.txt"), "not a folder");
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(40));
        Path out = file.resolve("run");
        CliRunner.Result r = run(concat(new String[] {"train", "lm", "--text", text.toString(), "--out", out.toString()}, TINY_LM));
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("visor train lm: cannot write --out " + out + ": " + file + " is not a folder", r.err().strip());
        assertFalse(r.out().contains("step "), "nothing was trained: " + r.out());
        assertError(2, "visor train lm: --out " + file + " exists and is not a folder; choose another --out",
                concat(new String[] {"train", "lm", "--text", text.toString(), "--out", file.toString()}, TINY_LM));
    }

    @Test
    void languageModelsRejectEncoderAndCrossMasksAndPrintLayerOverrides(@TempDir Path tmp) throws IOException {
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(40));
        for (String option : new String[] {"--encoder-mask", "--cross-mask"}) {
            assertError(2, "visor train lm: a language model has only decoder self-attention; drop --encoder-mask and --cross-mask "
                    + "(use --decoder-mask)", "train", "lm", "--text", text.toString(), option, "padding");
        }
        CliRunner.Result r = run(concat(new String[] {"train", "lm", "--text", text.toString(), "--out", tmp.resolve("o").toString(),
            "--mask-layer", "decoder_self:0=causal & padding & sliding_window(left=4)"}, TINY_LM));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("d_model 16, 2 heads, 1 layer, d_ff 32"), "singular layer: " + r.out());
        assertTrue(r.out().contains("mask causal & padding\n           decoder_self layer 0: causal & padding & sliding_window(left=4, right=0)\n"),
                "the per-layer override is shown, numbered from 0: " + r.out());
        assertTrue(r.out().contains("after 10 steps"), r::toString);
    }

    @Test
    void additionTrainsWithTheDefaultLengthsAndNamesMaxLen(@TempDir Path tmp) {
        CliRunner.Result r = run("train", "seq2seq", "--task", "add", "--steps", "1", "--eval-every", "1", "--batch", "4",
                "--test-size", "20", "--d-model", "16", "--heads", "2", "--layers", "1", "--d-ff", "32", "--out", tmp.resolve("add").toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("inputs of 1–5 digits per operand"), r::toString);
        assertTrue(r.out().contains("after 1 step (1 in this run"), "singular step: " + r.out());
        assertError(2, "visor train seq2seq: --max-len 10 is too long for add: operands have at most 9 digits",
                "train", "seq2seq", "--task", "add", "--max-len", "10");
    }

    @Test
    void theVectorApiLineTellsAChoiceFromAMissingModule() {
        assertEquals("on", VersionProvider.vectorApi(true, null));
        assertEquals("off (scalar kernels chosen with -Dvisor.vector=false)", VersionProvider.vectorApi(false, "false"));
        assertEquals("off (start the JVM with --add-modules jdk.incubator.vector)", VersionProvider.vectorApi(false, null));
        assertEquals("off (start the JVM with --add-modules jdk.incubator.vector)", VersionProvider.vectorApi(false, "true"));
    }
}
