package dev.visor.transformer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerTest {
    static final TransformerConfig TINY = TransformerConfig.tiny(12);

    @ParameterizedTest
    @ValueSource(strings = {"reverse", "copy"})
    void tinyEncoderDecoderLearnsTheTaskToNinetyFivePercent(String name) {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        SyntheticTasks task = SyntheticTasks.named(name, 12, 3, 8);
        int[][][] heldOut = task.sample(new Rng(99), 200);
        Evaluator greedy = Evaluator.greedy(heldOut[0], heldOut[1], 100);
        double before = greedy.evaluate(model).tokenAccuracy();
        TrainingResult r = new Trainer(model, TrainerConfig.defaults(400).withLearningRate(3e-3).withWarmup(50))
                .train(task.batches(32, TINY.bosId(), TINY.eosId(), TINY.padId()), greedy, null);
        double after = r.lastEvaluation().tokenAccuracy();
        assertTrue(before < 0.5, "untrained accuracy " + before);
        assertTrue(after >= 0.95, name + ": greedy token accuracy on held-out sequences is " + after);
        assertEquals(400, r.updates());
        assertTrue(r.skipped().isEmpty());
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        TransformerConfig cfg = TINY.toBuilder().dropout(0.1).build();
        SyntheticTasks task = SyntheticTasks.reverse(12, 3, 8);
        TrainerConfig tc = TrainerConfig.defaults(12).withLearningRate(3e-3).withWarmup(4).withAccumulation(2);
        // The first run starts in a cold JVM and the second runs compiled code: kernels must round the same way in
        // both (JDK 25's reduceLanes(ADD) did not; see dev.visor.tensor.kernel.VectorLanes).
        Map<String, Tensor> a = train(cfg, task, tc);
        Map<String, Tensor> b = train(cfg, task, tc);
        Map<String, Tensor> c = train(cfg, task, tc.withSeed(1));
        boolean differs = false;
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
            differs |= !Arrays.equals(a.get(k).toArray(), c.get(k).toArray());
        }
        assertTrue(differs, "another data seed gives other weights");
    }

    private static Map<String, Tensor> train(TransformerConfig cfg, SyntheticTasks task, TrainerConfig tc) {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(cfg);
        new Trainer(model, tc).train(task.batches(16, cfg.bosId(), cfg.eosId(), cfg.padId()), null, null);
        return model.stateDict();
    }

    @Test
    void accumulatingMicroBatchesGivesTheGradientOfTheWholeBatch() {
        SyntheticTasks task = SyntheticTasks.reverse(12, 2, 9);
        int[][][] s = task.sample(new Rng(5), 10);
        Batch whole = Batch.seq2seq(s[0], s[1], 1, 2, 0);
        Batch first = Batch.seq2seq(Arrays.copyOf(s[0], 4), Arrays.copyOf(s[1], 4), 1, 2, 0);
        Batch second = Batch.seq2seq(Arrays.copyOfRange(s[0], 4, 10), Arrays.copyOfRange(s[1], 4, 10), 1, 2, 0);
        assertEquals(whole.targetCount(0), first.targetCount(0) + second.targetCount(0));
        EncoderDecoderTransformer m1 = Transformers.encoderDecoder(TINY);
        Trainer t1 = new Trainer(m1, TrainerConfig.defaults(1));
        double l1 = t1.backward(List.of(whole), whole.targetCount(0))[0];
        EncoderDecoderTransformer m2 = Transformers.encoderDecoder(TINY);
        Trainer t2 = new Trainer(m2, TrainerConfig.defaults(1).withAccumulation(2));
        double l2 = t2.backward(List.of(first, second), whole.targetCount(0))[0];
        assertEquals(l1, l2, 1e-5);
        Map<String, Tensor> p1 = m1.namedParameters();
        Map<String, Tensor> p2 = m2.namedParameters();
        for (String k : p1.keySet()) {
            float[] g1 = p1.get(k).grad().toArray();
            float[] g2 = p2.get(k).grad().toArray();
            double max = 0;
            for (float g : g1) {
                max = Math.max(max, Math.abs(g));
            }
            for (int i = 0; i < g1.length; i++) {
                assertEquals(g1[i], g2[i], 1e-5 * max + 1e-8, k + "[" + i + "]");
            }
        }
    }

    /** Batches of a task over tokens 3..10 that, from step {@code poisonFrom} on (or only at it), contain token 11. */
    static BatchSource poisoned(int poisonFrom, boolean once) {
        SyntheticTasks task = SyntheticTasks.reverse(11, 3, 6);
        int[] step = {0};
        return rng -> {
            step[0]++;
            int[][][] s = task.sample(rng, 8);
            if (step[0] == poisonFrom || (!once && step[0] > poisonFrom)) {
                s[1][0][0] = 11;
            }
            return Batch.seq2seq(s[0], s[1], 1, 2, 0);
        };
    }

    static EncoderDecoderTransformer withPoisonedToken() {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        Tensor weight = model.tgtEmbed().embeddings().weight();
        int row = weight.offset() + 11 * TINY.dModel();   // weights may start after a storage lead
        Arrays.fill(weight.storage(), row, row + TINY.dModel(), Float.NaN);
        return model;
    }

    @Test
    void aNonFiniteStepIsSkippedAndReported() {
        EncoderDecoderTransformer model = withPoisonedToken();
        List<TrainingEvent.Skipped> seen = new ArrayList<>();
        TrainingResult r = new Trainer(model, TrainerConfig.defaults(6).withWarmup(2)).train(poisoned(3, true), null,
                TrainingListener.onSkipped(seen::add));
        assertEquals(1, seen.size());
        assertEquals(3, seen.get(0).step());
        assertTrue(Double.isNaN(seen.get(0).loss()));
        assertTrue(seen.get(0).describe().startsWith("step 3: loss NaN, non-finite gradients in ["), seen.get(0).describe());
        assertEquals(6, r.steps());
        assertEquals(5, r.updates(), "the skipped step made no update");
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (!e.getKey().equals("tgt_embed.weight")) {
                for (float f : e.getValue().toArray()) {
                    assertTrue(Float.isFinite(f), e.getKey() + " stayed finite");
                }
            }
        }
    }

    @Test
    void repeatedNonFiniteStepsStopTrainingAndKeepTheLastCheckpoint(@TempDir Path dir) throws Exception {
        EncoderDecoderTransformer model = withPoisonedToken();
        Path ckpt = dir.resolve("run");
        Trainer trainer = new Trainer(model, TrainerConfig.defaults(20).withWarmup(2).withMaxConsecutiveSkips(3));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.train(poisoned(5, false), null, new PeriodicCheckpoints(trainer, 2, ckpt)));
        assertTrue(e.getMessage().startsWith("training stopped at step 7 after 3 consecutive steps with a non-finite loss or"
                + " gradient (step 7: loss NaN, non-finite gradients in ["), e.getMessage());
        assertTrue(e.getMessage().endsWith("; checkpoints saved before are intact"), e.getMessage());
        assertEquals(List.of(5L, 6L, 7L), e.skipped().stream().map(TrainingEvent.Skipped::step).toList());
        Checkpoint saved = Checkpoint.read(ckpt);
        assertEquals(4, saved.step(), "the checkpoint of step 4 survives");
        assertEquals(4, saved.optimizer().steps());
    }

    @Test
    void resumingRestoresWeightsOptimizerAndStep(@TempDir Path dir) throws Exception {
        SyntheticTasks task = SyntheticTasks.reverse(12, 3, 8);
        BatchSource source = task.batches(8, 1, 2, 0);
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        Trainer first = new Trainer(model, TrainerConfig.defaults(5).withWarmup(2));
        first.train(source, null, null);
        first.saveCheckpoint(CheckpointWriter.to(dir.resolve("c")), "c");
        Checkpoint c = Checkpoint.read(dir.resolve("c"));
        assertEquals(5, c.step());
        EncoderDecoderTransformer fresh = Transformers.encoderDecoder(TINY.toBuilder().seed(42).build());
        Trainer second = new Trainer(fresh, TrainerConfig.defaults(8).withWarmup(2)).resumeFrom(c);
        assertEquals(5, second.step());
        assertEquals(first.optimizer().stateDict().steps(), second.optimizer().stateDict().steps());
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toArray(), fresh.stateDict().get(e.getKey()).toArray(), e.getKey());
        }
        TrainingResult r = second.train(source, null, null);
        assertEquals(8, r.steps());
        assertEquals(8, r.updates(), "5 updates before the resume and 3 after");
        assertEquals(8, second.optimizer().steps());
        assertFalse(Arrays.equals(model.stateDict().get("generator.weight").toArray(),
                fresh.stateDict().get("generator.weight").toArray()), "training went on after the resume");
    }

    @Test
    void evaluationsAndCheckpointsAreReportedOnSchedule(@TempDir Path dir) {
        List<Long> evals = new ArrayList<>();
        List<Long> checkpoints = new ArrayList<>();
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        SyntheticTasks task = SyntheticTasks.copy(12, 2, 4);
        int[][][] s = task.sample(new Rng(1), 6);
        Trainer trainer = new Trainer(model, TrainerConfig.defaults(7).withWarmup(2).withEvaluation(3));
        TrainingResult r = trainer.train(task.batches(4, 1, 2, 0),
                Evaluator.teacherForced(List.of(Batch.seq2seq(s[0], s[1], 1, 2, 0))), TrainingListener.onEvaluation(e -> {
                    evals.add(e.step());
                    Evaluation v = e.evaluation();
                    assertTrue(v.loss() > 0 && v.tokenAccuracy() >= 0 && v.tokenAccuracy() <= 1, v.toString());
                }).andThen(TrainingListener.onCheckpoint(c -> checkpoints.add(c.step())))
                        .andThen(new PeriodicCheckpoints(trainer, 3, dir.resolve("x"))));
        assertEquals(List.of(3L, 6L, 7L), evals, "every 3 steps and after the last");
        assertEquals(List.of(3L, 6L), checkpoints);
        assertFalse(r.stopped());
        assertEquals(3, r.evaluations().size());
        assertTrue(model.isTraining());
    }

    @Test
    void decoderOnlyAndEncoderOnlyModelsTrainToo() {
        // a language model on sequences that count up from a random start: the next token is always predictable
        TransformerConfig lmCfg = TransformerConfig.tiny(16).decoderOnly();
        var lm = Transformers.decoderOnly(lmCfg);
        BatchSource counting = rng -> {
            int[][] rows = new int[8][];
            for (int b = 0; b < 8; b++) {
                int start = 3 + rng.nextInt(6);
                rows[b] = new int[] {1, start, start + 1, start + 2, start + 3, start + 4, start + 5, 2};
            }
            return Batch.languageModel(rows, 0);
        };
        Batch probe = counting.next(new Rng(77));
        double before = Evaluator.teacherForced(List.of(probe)).evaluate(lm).loss();
        new Trainer(lm, TrainerConfig.defaults(150).withLearningRate(3e-3).withWarmup(20)).train(counting, null, null);
        Evaluation after = Evaluator.teacherForced(List.of(probe)).evaluate(lm);
        assertTrue(after.loss() < before / 2, "language-model loss " + before + " -> " + after.loss());
        // a tagger that labels each token by its parity (labels 1 and 2; 0 is padding)
        TransformerConfig tagCfg = TransformerConfig.tiny(16).encoderOnly().toBuilder().tgtVocabSize(3).build();
        var tagger = Transformers.encoderOnly(tagCfg);
        BatchSource parity = rng -> {
            int[][] rows = new int[8][];
            int[][] labels = new int[8][];
            for (int b = 0; b < 8; b++) {
                int n = 3 + rng.nextInt(5);
                rows[b] = new int[n];
                labels[b] = new int[n];
                for (int i = 0; i < n; i++) {
                    rows[b][i] = 3 + rng.nextInt(13);
                    labels[b][i] = 1 + rows[b][i] % 2;
                }
            }
            return new Batch(null, dev.visor.transformer.TokenBatch.of(rows, 0),
                    dev.visor.transformer.TokenBatch.of(labels, 0).ids());
        };
        TrainingResult r = new Trainer(tagger, TrainerConfig.defaults(150).withLearningRate(3e-3).withWarmup(20)
                .withLabelSmoothing(0)).train(parity, Evaluator.teacherForced(List.of(parity.next(new Rng(5)))), null);
        assertTrue(r.lastEvaluation().tokenAccuracy() >= 0.95, "tagging accuracy " + r.lastEvaluation());
    }

    @Test
    void badSettingsAreRejected() {
        assertEquals("accumulation must be >= 1 micro-batch but got 0", assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.defaults(10).withAccumulation(0)).getMessage());
        assertEquals("labelSmoothing must be in [0, 1) but got 1.0", assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.defaults(10).withLabelSmoothing(1)).getMessage());
        assertEquals("evalEvery must be >= 0 but got -1", assertThrows(IllegalArgumentException.class,
                () -> TrainerConfig.defaults(10).withEvaluation(-1)).getMessage());
        assertThrows(NullPointerException.class, () -> TrainerConfig.defaults(10).toBuilder().weightDecayScope(null).build());
    }

    @Test
    void defaultsAreWhatTheJavadocSays() {
        TrainerConfig d = TrainerConfig.defaults(1000);
        assertEquals(0.0, d.labelSmoothing(), "no label smoothing, as torch.nn.CrossEntropyLoss");
        assertEquals(1e-3, d.learningRate());
        assertEquals(100, d.warmup(), "min(400, max(1, steps/10))");
        assertEquals(400, TrainerConfig.defaults(100_000).warmup());
        assertEquals(1, TrainerConfig.defaults(5).warmup());
        assertEquals(TrainerConfig.Schedule.INVERSE_SQRT, d.schedule());
        assertEquals(0.9, d.beta1());
        assertEquals(0.98, d.beta2());
        assertEquals(1e-9, d.eps());
        assertEquals(0.0, d.weightDecay());
        assertEquals(TrainerConfig.WeightDecayScope.ALL, d.weightDecayScope());
        assertEquals(1.0, d.clipNorm());
        assertEquals(0, d.seed());
        assertEquals(0, d.evalEvery());
        assertEquals(3, d.maxConsecutiveSkips());
    }

    @Test
    void inverseSqrtSchedulePeaksAtTheLearningRateAfterWarmup() {
        var s = TrainerConfig.defaults(1000).withLearningRate(2e-3).withWarmup(100).lrSchedule(512);
        assertEquals(2e-3, s.lr(100), 1e-12);
        assertEquals(1e-3, s.lr(50), 1e-12);
        assertEquals(2e-3 * Math.sqrt(100.0 / 400), s.lr(400), 1e-12);
    }

    @Test
    void argmaxReadsDenseLogitsInPlaceAndViewsByElement() {
        Tensor logits = Tensor.of(new float[] {9, 0, 1, 2, 3, 5, -4, -1, -2, 7, 7, 1}, 4, 3);
        assertArrayEquals(new int[] {0, 2, 1, 0}, Trainer.argmax(logits));   // a tie keeps the first
        // a row block at a non-zero offset (dense) and a transposed view (strided) give their own rows' maxima
        assertArrayEquals(new int[] {2, 1, 0}, Trainer.argmax(logits.narrow(0, 1, 3)));
        assertArrayEquals(new int[] {0, 3, 1}, Trainer.argmax(logits.transpose(0, 1)));
    }
}
