package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.transformer.ConfigMapper;
import dev.visor.mask.MaskVerification;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * train seq2seq / translate / attention / audit / generate / train lm end to end, on models small
 * enough to train in seconds; plus every way their input can be wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainedModelCommandsTest {
    /** A model small enough to train in a few seconds. */
    static final String[] TINY = {"--d-model", "16", "--heads", "2", "--layers", "1", "--d-ff", "32", "--batch", "16",
        "--test-size", "20", "--min-len", "2", "--max-len", "6", "--symbols", "6"};

    Path tmp;
    Path ckpt;
    Path lm;
    CliRunner.Result trained;

    @BeforeAll
    void trainTinyModels(@TempDir Path dir) throws IOException {
        tmp = dir;
        ckpt = tmp.resolve("copy");
        trained = run(concat(new String[] {"train", "seq2seq", "--task", "copy", "--steps", "30", "--eval-every", "30",
            "--out", ckpt.toString()}, TINY));
        lm = tmp.resolve("lm");
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(40));
        CliRunner.Result r = run("train", "lm", "--text", text.toString(), "--steps", "20", "--eval-every", "10", "--d-model", "16",
                "--heads", "2", "--layers", "1", "--d-ff", "32", "--context", "16", "--batch", "8", "--sample", "30",
                "--out", lm.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("bits per character"), r::toString);
    }

    @Test
    void trainingSavesACompleteCheckpoint() throws IOException {
        assertEquals(0, trained.exitCode(), trained::toString);
        assertTrue(trained.out().contains("Training an encoder-decoder to step 30; checkpoint → " + ckpt), trained::toString);
        assertTrue(trained.out().contains("held-out exact match"), trained::toString);
        assertTrue(trained.out().contains("saved " + ckpt), trained::toString);
        for (String f : List.of("config.json", "model.safetensors", "optimizer.safetensors", "visor.json")) {
            assertTrue(Files.isRegularFile(ckpt.resolve(f)), f);
        }
        Map<String, Object> info = ConfigMapper.readObject(ckpt.resolve("visor.json"));
        assertEquals("seq2seq", info.get("kind"));
        assertEquals("copy", info.get("task"));
        assertEquals(30L, ((Number) info.get("steps")).longValue());
        assertEquals(List.of("<pad>", "<s>", "</s>", "a", "b", "c", "d", "e", "f"), info.get("vocabulary"));
        Map<String, Object> config = ConfigMapper.readObject(ckpt.resolve("config.json"));
        assertEquals(16L, ((Number) config.get("d_model")).longValue());
        assertEquals(9L, ((Number) config.get("src_vocab_size")).longValue());
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no staging folder is left behind");
        }
    }

    @Test
    void translateDecodesAndChecksTheAnswers() {
        CliRunner.Result r = run("translate", "--checkpoint", ckpt.toString(), "abc", "fed");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r::toString);
        assertTrue(lines.get(0).startsWith("abc → "), r::toString);
        assertTrue(lines.get(0).endsWith("✓") || lines.get(0).contains("✗ (copy gives abc)"), r::toString);
        assertTrue(lines.get(2).matches("\\d of 2 right \\(greedy decoding\\)"), r::toString);
        for (String[] opts : List.of(new String[] {"--beam", "3"}, new String[] {"--sample", "--seed", "3"},
                new String[] {"--temperature", "0.5", "--top-k", "3"})) {
            CliRunner.Result o = run(concat(new String[] {"translate", "-c", ckpt.toString(), "abc"}, opts));
            assertEquals(0, o.exitCode(), o::toString);
            assertTrue(o.out().startsWith("abc → "), o::toString);
        }
        CliRunner.Result s1 = run("translate", "-c", ckpt.toString(), "abcdef", "--sample", "--seed", "9");
        CliRunner.Result s2 = run("translate", "-c", ckpt.toString(), "abcdef", "--sample", "--seed", "9");
        assertEquals(s1.out(), s2.out(), "sampling is seeded");
    }

    @Test
    void translateRejectsBadInput() {
        assertError(2, "visor translate: input 'abz': 'z' at position 3 is not a symbol of this model; it knows abcdef",
                "translate", "-c", ckpt.toString(), "abz");
        assertError(2, "visor translate: choose one of --greedy, --beam and sampling (--sample, --temperature, --top-k, --top-p)",
                "translate", "-c", ckpt.toString(), "abc", "--beam", "2", "--sample");
        assertError(2, "visor translate: checkpoint " + lm + " holds a language model; translate needs a seq2seq one (use 'visor generate' for language models)",
                "translate", "-c", lm.toString(), "abc");
        assertError(2, "visor translate: --beam: beam width must be >= 1 but got 0", "translate", "-c", ckpt.toString(), "abc", "--beam", "0");
    }

    @Test
    void attentionDrawsEverySiteOrOne() throws IOException {
        Path png = tmp.resolve("pictures/att.png");
        assertError(1, "visor attention: cannot write " + tmp.resolve("pictures/att-cross.png") + ": the folder "
                + tmp.resolve("pictures") + " does not exist; create it first",
                "attention", "-c", ckpt.toString(), "--input", "abcd", "--png", png.toString());
        assertFalse(Files.exists(tmp.resolve("pictures")), "--png creates no folder");
        Files.createDirectories(tmp.resolve("pictures"));
        CliRunner.Result r = run("attention", "-c", ckpt.toString(), "--input", "abcd", "--png", png.toString());
        assertEquals(0, r.exitCode(), r::toString);
        for (String site : List.of("cross", "encoder_self", "decoder_self")) {
            Path f = tmp.resolve("pictures/att-" + site + ".png");
            assertNotNull(ImageIO.read(f.toFile()), f.toString());
            assertTrue(r.out().contains("wrote " + f + " ("), r::toString);
        }
        Path one = tmp.resolve("cross.png");
        CliRunner.Result c = run("attention", "-c", ckpt.toString(), "--input", "abcd", "--png", one.toString(), "--site", "cross");
        assertEquals(0, c.exitCode(), c::toString);
        assertNotNull(ImageIO.read(one.toFile()));
        Path lmPng = tmp.resolve("lm.png");
        CliRunner.Result l = run("attention", "-c", lm.toString(), "--input", "the cat", "--png", lmPng.toString());
        assertEquals(0, l.exitCode(), l::toString);
        assertNotNull(ImageIO.read(lmPng.toFile()));
        assertError(2, "visor attention: --site cross: this model has no cross attention",
                "attention", "-c", lm.toString(), "--input", "the", "--png", lmPng.toString(), "--site", "cross");
        assertError(2, "visor attention: --input: '\"z\"' at position 1 is not a symbol of this model",
                "attention", "-c", ckpt.toString(), "--input", "z", "--png", lmPng.toString());
    }

    @Test
    void theAuditPassesForTheModelsOwnMasks() {
        CliRunner.Result r = run("audit", "-c", ckpt.toString(), "--samples", "8", "--rounds", "2");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("PASS: no output moved when only hidden inputs changed"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("hidden source positions") && l.trim().endsWith("pass")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("hidden target positions") && l.trim().endsWith("pass")), r::toString);
        CliRunner.Result l = run("audit", "-c", lm.toString(), "--samples", "4", "--rounds", "2");
        assertEquals(0, l.exitCode(), l::toString);
        assertTrue(l.out().contains("PASS"), l::toString);
    }

    @Test
    void theAuditFailsAClaimTheModelDoesNotKeep() {
        CliRunner.Result r = run("audit", "-c", ckpt.toString(), "--samples", "8", "--rounds", "2",
                "--spec", "causal & padding & sliding_window(left=0)");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("FAIL: sequence "), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("visor audit: audit failed: outputs depend on inputs the masks hide (sequence "), r::toString);
    }

    /** A plugin folder whose jar registers one strategy class of the test class path. */
    private Path pluginFolder(String name, Class<?> strategy) throws IOException {
        Path plugins = Files.createDirectories(tmp.resolve(name));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plugins.resolve(name + ".jar")))) {
            jar.putNextEntry(new JarEntry("META-INF/services/dev.visor.mask.MaskStrategy"));
            jar.write((strategy.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return plugins;
    }

    /** Runs a command with -Dvisor.masks.verify=off, as a user who trusts a plugin would. */
    private static CliRunner.Result trusting(String... args) {
        String before = System.getProperty(MaskVerification.PROPERTY);
        System.setProperty(MaskVerification.PROPERTY, "off");
        try {
            return run(args);
        } finally {
            if (before == null) System.clearProperty(MaskVerification.PROPERTY);
            else System.setProperty(MaskVerification.PROPERTY, before);
        }
    }

    @Test
    void theAuditCatchesAPluginWhoseBlocksContradictItsPredicate() throws IOException {
        Path plugins = pluginFolder("leaky-plugin", LeakyCausalStrategy.class);
        Path leaky = tmp.resolve("leaky");
        String[] train = concat(new String[] {"--plugins", plugins.toString(), "train", "seq2seq", "--task", "copy",
            "--steps", "2", "--eval-every", "2", "--out", leaky.toString(), "--decoder-mask", "leaky_causal & padding"}, TINY);
        // by default compiling the mask samples its FULL blocks and refuses to train
        CliRunner.Result refused = run(train);
        assertEquals(1, refused.exitCode(), refused::toString);
        assertTrue(refused.err().contains("mask 'leaky_causal' (" + LeakyCausalStrategy.class.getName() + "$Leaky) classified block queries [0, "),
                refused::toString);
        CliRunner.Result t = trusting(train);
        assertEquals(0, t.exitCode(), t::toString);
        CliRunner.Result verified = run("audit", "--plugins", plugins.toString(), "-c", leaky.toString(), "--samples", "8", "--rounds", "2");
        assertEquals(1, verified.exitCode(), verified::toString);
        assertTrue(verified.out().contains("FAIL: mask 'leaky_causal'"), verified::toString);
        CliRunner.Result r = trusting("audit", "--plugins", plugins.toString(), "-c", leaky.toString(), "--samples", "8", "--rounds", "2");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("hidden target positions") && l.trim().endsWith("FAIL")), r::toString);
        // without the plugin the checkpoint's spec cannot even be resolved: a clear error, not a crash
        CliRunner.Result missing = run("audit", "-c", leaky.toString());
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("leaky_causal"), missing::toString);
        assertEquals(1, missing.errLines().size(), missing::toString);
    }

    @Test
    void theAuditCatchesAWronglyEmptyBlockPastPosition256() throws IOException {
        Path plugins = pluginFolder("far-plugin", OneWrongBlockStrategy.class);
        Path far = tmp.resolve("far-lm");
        Path text = Files.writeString(tmp.resolve("far.txt"), "the cat sat on the mat. ".repeat(200));
        CliRunner.Result t = trusting("--plugins", plugins.toString(), "train", "lm", "--text", text.toString(), "--steps", "1",
                "--eval-every", "1", "--d-model", "16", "--heads", "2", "--layers", "1", "--d-ff", "32", "--context", "330", "--batch", "2",
                "--sample", "0", "--decoder-mask", "one_wrong_block & padding", "--out", far.toString());
        assertEquals(0, t.exitCode(), t::toString);
        // with the plugin trusted, perturbing hidden inputs cannot see a block that hides visible ones; the kernel comparison does
        CliRunner.Result r = trusting("audit", "--plugins", plugins.toString(), "-c", far.toString(), "--samples", "2", "--rounds", "1");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("hidden target positions") && l.trim().endsWith("pass")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("flash vs reference kernel") && l.trim().endsWith("FAIL")), r::toString);
        assertTrue(r.err().startsWith("visor audit: audit failed: the block-sparse kernel disagrees with the reference kernel (sequence "),
                r::toString);
        // by default the mask is verified when it is compiled, and the audit names the block
        CliRunner.Result v = run("audit", "--plugins", plugins.toString(), "-c", far.toString(), "--samples", "2", "--rounds", "1");
        assertEquals(1, v.exitCode(), v::toString);
        assertTrue(v.out().contains("FAIL: mask 'one_wrong_block' (" + OneWrongBlockStrategy.class.getName()
                + "$OneWrongBlock) classified block queries [256, 320) × keys [128, 192) of sequence 0, head 0 as EMPTY"), v::toString);
    }

    @Test
    void resumingContinuesTheStepCount() throws IOException {
        Path copy = copyCheckpoint("resumed");
        CliRunner.Result r = run("train", "seq2seq", "--resume", copy.toString(), "--steps", "5", "--eval-every", "5", "--batch", "8");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("(resumed after 30 steps)"), r::toString);
        assertEquals(35L, ((Number) ConfigMapper.readObject(copy.resolve("visor.json")).get("steps")).longValue());
        assertError(2, "visor train seq2seq: --resume continues the checkpoint's model; drop the model options (--d-model, --heads, masks, ...)",
                "train", "seq2seq", "--resume", copy.toString(), "--d-model", "32");
        assertError(2, "visor train seq2seq: --resume continues the checkpoint's task; drop --task",
                "train", "seq2seq", "--resume", copy.toString(), "--task", "copy");
    }

    @Test
    void masksOfEverySiteAndLayerReachTheConfig() throws IOException {
        Path out = tmp.resolve("masked");
        CliRunner.Result r = run(concat(new String[] {"train", "seq2seq", "--task", "sort", "--steps", "1", "--eval-every", "1",
            "--out", out.toString(), "--decoder-mask", "causal&padding&sliding_window(left=2)", "--encoder-mask", "padding",
            "--mask-layer", "cross:0=padding & !token(ids=[3])", "--norm", "pre", "--activation", "gelu", "--positional", "learned",
            "--step-parallelism", "data"}, TINY));
        assertEquals(0, r.exitCode(), r::toString);
        Map<String, Object> config = ConfigMapper.readObject(out.resolve("config.json"));
        Map<?, ?> masks = (Map<?, ?>) config.get("masks");
        assertEquals("causal & padding & sliding_window(left=2, right=0)", masks.get("decoder_self"));
        assertEquals(Map.of("cross", Map.of("0", "padding & !token(ids=[3])")), masks.get("overrides"));
        assertEquals("pre", config.get("norm_placement"));
        assertEquals("gelu", config.get("activation"));
        assertEquals("learned", config.get("positional"));
    }

    @Test
    void badTrainingCommandLinesAreOneLineUsageErrors() {
        assertError(2, "visor train seq2seq: unknown task 'revers'; did you mean 'reverse'? available: [reverse, copy, sort, add]",
                "train", "seq2seq", "--task", "revers");
        assertError(2, "visor train seq2seq: give --task reverse|copy|sort|add, or --resume DIR", "train", "seq2seq");
        assertError(2, "visor train seq2seq: impossible model: d_model=30 is not divisible by heads=4; each head needs d_model/heads features",
                "train", "seq2seq", "--task", "copy", "--d-model", "30", "--heads", "4");
        assertError(2, "visor train seq2seq: --decoder-mask: bad mask spec: expected ',' or ')' at column 31 but found end of input",
                "train", "seq2seq", "--task", "copy", "--decoder-mask", "causal & sliding_window(left=2");
        assertError(2, "visor train seq2seq: --mask-layer 'decoder_self=causal' is not SITE:LAYER=SPEC, e.g. decoder_self:1=causal & padding",
                "train", "seq2seq", "--task", "copy", "--mask-layer", "decoder_self=causal");
        assertError(2, "visor train seq2seq: --steps must be at least 1 but is 0", "train", "seq2seq", "--task", "copy", "--steps", "0");
        assertError(2, "visor train seq2seq: --step-parallelism must be auto, data or intra-op but is 'rows'",
                "train", "seq2seq", "--task", "copy", "--step-parallelism", "rows");
        assertError(2, "visor train seq2seq: --max-length 8 is too short for copy with --max-len 10: sequences reach 12 tokens",
                "train", "seq2seq", "--task", "copy", "--max-length", "8");
        assertError(2, "visor train seq2seq: copy with lengths 1..2 over 2 symbols has only 6 distinct inputs: too few to hold out 500 "
                + "and still train on the rest (at most a tenth may be held out)",
                "train", "seq2seq", "--task", "copy", "--symbols", "2", "--min-len", "1", "--max-len", "2");
        assertError(2, "visor train: choose 'visor train seq2seq --task reverse|copy|sort|add' or 'visor train lm --text FILE'", "train");
        assertError(2, "visor train seq2seq: give either --config or --preset, not both",
                "train", "seq2seq", "--task", "copy", "--config", ckpt.resolve("config.json").toString(), "--preset", "tiny");
        assertError(2, "visor train seq2seq: --preset: unknown preset 'huge'; expected one of [tiny, small, base]",
                "train", "seq2seq", "--task", "copy", "--preset", "huge");
    }

    @Test
    void missingAndMalformedConfigFiles() throws IOException {
        Path missing = tmp.resolve("no-config.json");
        assertError(1, "visor train seq2seq: cannot read --config " + missing + ": no such file or folder: " + missing,
                "train", "seq2seq", "--task", "copy", "--config", missing.toString());
        Path typo = Files.writeString(tmp.resolve("typo.json"), "{\"preset\": \"tiny\", \"vocab_size\": 9, \"d_modle\": 32}");
        CliRunner.Result r = run("train", "seq2seq", "--task", "copy", "--config", typo.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("visor train seq2seq: --config: " + typo + ": unknown config key 'd_modle'; did you mean 'd_model'?"),
                r::toString);
        Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"preset\": ");
        CliRunner.Result b = run("train", "seq2seq", "--task", "copy", "--config", broken.toString());
        assertEquals(2, b.exitCode(), b::toString);
        assertEquals(1, b.errLines().size(), b::toString);
        assertTrue(b.err().startsWith("visor train seq2seq: --config: " + broken), b::toString);
    }

    @Test
    void aDivergingRunSavesNothingAndLeavesTheOldCheckpointAlone() throws IOException {
        Path copy = copyCheckpoint("diverging");
        Map<String, byte[]> before = snapshot(copy);
        CliRunner.Result r = run(concat(new String[] {"train", "seq2seq", "--task", "copy", "--steps", "40", "--eval-every", "40",
            "--out", copy.toString(), "--force", "--lr", "1e30", "--warmup", "1", "--clip", "0"}, TINY));
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("visor train seq2seq: training stopped at step "), r::toString);
        assertTrue(r.err().trim().endsWith("lower --lr (now 1.0E30); nothing was saved"), r::toString);
        assertSnapshot(before, snapshot(copy));
    }

    @Test
    void aFolderOfOtherFilesIsNeverOverwritten() throws IOException {
        Path other = Files.createDirectories(tmp.resolve("my-documents"));
        Files.writeString(other.resolve("thesis.txt"), "precious");
        CliRunner.Result r = run(concat(new String[] {"train", "seq2seq", "--task", "copy", "--steps", "1", "--eval-every", "1",
            "--out", other.toString(), "--force"}, TINY));
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("visor train seq2seq: --out " + other + " holds files that are not a checkpoint; choose another --out", r.err().strip(),
                r::toString);
        assertEquals("precious", Files.readString(other.resolve("thesis.txt")));
        try (Stream<Path> files = Files.list(other)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void missingAndCorruptCheckpointsAreOneLineFailures() throws IOException {
        Path missing = tmp.resolve("nope");
        assertError(1, "visor translate: checkpoint " + missing + " does not exist", "translate", "-c", missing.toString(), "abc");
        Path file = Files.writeString(tmp.resolve("file-not-folder"), "x");
        assertError(1, "visor audit: checkpoint " + file + " is not a folder", "audit", "-c", file.toString());
        Path noInfo = copyCheckpoint("no-info");
        Files.delete(noInfo.resolve("visor.json"));
        assertError(1, "visor translate: checkpoint " + noInfo + " has no visor.json; is it a visor checkpoint?",
                "translate", "-c", noInfo.toString(), "abc");

        Path truncated = copyCheckpoint("truncated");
        byte[] bytes = Files.readAllBytes(truncated.resolve("model.safetensors"));
        Files.write(truncated.resolve("model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        CliRunner.Result t = run("translate", "-c", truncated.toString(), "abc");
        assertEquals(1, t.exitCode(), t::toString);
        assertEquals(1, t.errLines().size(), t::toString);
        assertTrue(t.err().startsWith("visor translate: checkpoint " + truncated + " is corrupt: "), t::toString);
        assertTrue(t.err().contains("model.safetensors"), t::toString);

        Path badJson = copyCheckpoint("bad-json");
        Files.writeString(badJson.resolve("visor.json"), "{\"kind\": \"seq2seq\", ");
        CliRunner.Result j = run("generate", "-c", badJson.toString());
        assertEquals(1, j.exitCode(), j::toString);
        assertTrue(j.err().startsWith("visor generate: checkpoint " + badJson + ": visor.json is corrupt: "), j::toString);

        Path badConfig = copyCheckpoint("bad-config");
        Files.writeString(badConfig.resolve("config.json"), Files.readString(badConfig.resolve("config.json")).replace("\"d_model\": 16", "\"d_model\": 24"));
        CliRunner.Result c = run("audit", "-c", badConfig.toString());
        assertEquals(1, c.exitCode(), c::toString);
        assertEquals(1, c.errLines().size(), c::toString);
        assertTrue(c.err().startsWith("visor audit: checkpoint " + badConfig + ": the checkpoint does not fit the model: "), c::toString);
    }

    @Test
    void generateContinuesATextReproducibly() {
        CliRunner.Result a = run("generate", "-c", lm.toString(), "--prompt", "the ", "--length", "40", "--seed", "5");
        CliRunner.Result b = run("generate", "-c", lm.toString(), "--prompt", "the ", "--length", "40", "--seed", "5");
        assertEquals(0, a.exitCode(), a::toString);
        assertEquals(a.out(), b.out());
        assertTrue(a.out().startsWith("the "), a::toString);
        assertTrue(a.out().length() > 4 + 1 && a.out().length() <= 4 + 40 + 1, a::toString);
        CliRunner.Result g = run("generate", "-c", lm.toString(), "--prompt", "the", "--length", "200", "--greedy");
        assertEquals(0, g.exitCode(), g::toString);
        assertTrue(g.out().length() > 3 + 40, "longer than the model's 16 positions: generated in pieces: " + g.out());
        CliRunner.Result beam = run("generate", "-c", lm.toString(), "--prompt", "the", "--length", "10", "--beam", "2");
        assertEquals(0, beam.exitCode(), beam::toString);
        assertError(2, "visor generate: --prompt: character 'Z' at position 0 of \"Z\" is not in the vocabulary [ , ., a, c, e, h, m, n, o, s, t]",
                "generate", "-c", lm.toString(), "--prompt", "Z");
        assertError(2, "visor generate: checkpoint " + ckpt + " holds a seq2seq model; generate needs a language model (use 'visor translate' for seq2seq)",
                "generate", "-c", ckpt.toString());
    }

    @Test
    void badTextsForTheLanguageModel() throws IOException {
        Path missing = tmp.resolve("missing.txt");
        assertError(1, "visor train lm: --text " + missing + " does not exist", "train", "lm", "--text", missing.toString());
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9});
        assertError(1, "visor train lm: --text " + latin1 + " is not UTF-8 text", "train", "lm", "--text", latin1.toString());
        Path tiny = Files.writeString(tmp.resolve("tiny.txt"), "too short");
        assertError(2, "visor train lm: the text " + tiny + " has 9 characters: too short for windows of 65 with a held-out tail; "
                + "use a longer text or a smaller --context", "train", "lm", "--text", tiny.toString());
        assertError(2, "visor train lm: a language model is decoder_only but the config describes an encoder_decoder one",
                "train", "lm", "--config", ckpt.resolve("config.json").toString());
    }

    private Path copyCheckpoint(String name) throws IOException {
        Path copy = Files.createDirectories(tmp.resolve(name));
        try (Stream<Path> files = Files.list(ckpt)) {
            for (Path f : files.toList()) Files.copy(f, copy.resolve(f.getFileName()));
        }
        return copy;
    }

    private static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> m = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) m.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        return m;
    }

    private static void assertSnapshot(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) assertArrayEquals(before.get(k), after.get(k), k);
    }

    static void assertError(int code, String line, String... args) {
        CliRunner.Result r = run(args);
        assertEquals(code, r.exitCode(), r::toString);
        assertEquals(List.of(line), r.errLines(), r::toString);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    static CliRunner.Result run(String... args) {
        return CliRunner.run(args);
    }

    static String[] concat(String[] a, String[] b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
