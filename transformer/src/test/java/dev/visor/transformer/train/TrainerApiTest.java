package dev.visor.transformer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Embedding;
import dev.visor.tensor.nn.Linear;
import dev.visor.tensor.optim.Adam;
import dev.visor.tensor.optim.ParamGroups;
import dev.visor.tensor.optim.SGD;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Trainer's extension points: any model, any optimizer, parameter groups, stop conditions, checkpoint parts. */
class TrainerApiTest {
    static final TransformerConfig TINY = TransformerConfig.tiny(12);

    /** A model the Trainer has never heard of: each token's logits come from its embedding alone. */
    static final class BagOfEmbeddings extends TransformerModel {
        final Embedding embed;
        final Linear head;
        final AtomicInteger lossCalls = new AtomicInteger();

        BagOfEmbeddings(TransformerConfig c) {
            super(c);
            embed = registerModule("embed", new Embedding(c.tgtVocabSize(), c.dModel(), new Rng(1)));
            head = registerModule("generator", new Linear(c.dModel(), c.tgtVocabSize(), true, new Rng(2)));
        }

        @Override
        public Tensor logits(TokenBatch source, TokenBatch input) {
            return head.forward(embed.forward(input.ids(), input.batch(), input.length()));
        }

        @Override
        public Loss loss(TokenBatch source, TokenBatch input, int[] targets, double labelSmoothing) {
            lossCalls.incrementAndGet();
            return super.loss(source, input, targets, labelSmoothing);
        }
    }

    /** Rows whose next token is always the current one plus one: learnable from the current token alone. */
    static final BatchSource SUCCESSORS = rng -> {
        int[][] rows = new int[8][6];
        for (int[] row : rows) {
            int start = 3 + rng.nextInt(3);
            for (int i = 0; i < row.length; i++) {
                row[i] = start + i;
            }
        }
        return Batch.languageModel(rows, 0);
    };

    @Test
    void aModelWrittenHereTrainsWithTheUnchangedTrainer() {
        BagOfEmbeddings model = new BagOfEmbeddings(TINY.decoderOnly());
        Evaluator probe = Evaluator.teacherForced(List.of(SUCCESSORS.next(new Rng(9))));
        double before = probe.evaluate(model).tokenAccuracy();
        TrainingResult r = new Trainer(model, TrainerConfig.defaults(120).withLearningRate(1e-2).withWarmup(10))
                .train(SUCCESSORS, probe, null);
        assertTrue(before < 0.5, "untrained accuracy " + before);
        assertEquals(1.0, r.lastEvaluation().tokenAccuracy(), "the successor of every token is learned: " + r.lastEvaluation());
        assertEquals(120, model.lossCalls.get(), "the trainer's one call into the model is loss()");
    }

    @Test
    void aStopConditionEndsTheRunAfterTheStepThatMetIt() {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        Iterator<Double> accuracies = List.of(0.1, 0.5, 0.99, 1.0).iterator();
        Evaluator scripted = m -> new Evaluation(Double.NaN, Double.NaN, accuracies.next());
        TrainingResult r = new Trainer(model, TrainerConfig.defaults(100).withWarmup(2).withEvaluation(2))
                .train(SyntheticTasks.reverse(12, 2, 4).batches(4, 1, 2, 0), scripted, null,
                        StopCondition.onEvaluation(e -> e.sequenceAccuracy() >= 0.99));
        assertEquals(6, r.steps(), "the third evaluation, at step 6, reached 99 %");
        assertTrue(r.stopped());
        assertEquals(3, r.evaluations().size(), "no extra evaluation after a stop");
    }

    @Test
    void requestStopFromAnotherThreadFinishesTheCurrentStep() throws Exception {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        Trainer trainer = new Trainer(model, TrainerConfig.defaults(1_000_000).withWarmup(2));
        List<Long> steps = new ArrayList<>();
        Thread stopper = new Thread(trainer::requestStop);
        TrainingResult r = trainer.train(SyntheticTasks.reverse(12, 2, 4).batches(4, 1, 2, 0), null, TrainingListener.onStep(s -> {
            steps.add(s.step());
            if (s.step() == 3) {
                stopper.start();
                try {
                    stopper.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }));
        assertEquals(List.of(1L, 2L, 3L), steps);
        assertEquals(3, r.steps());
        assertEquals(3, r.updates(), "the step in progress completed");
        assertTrue(r.stopped());
        assertTrue(trainer.stopRequested());
    }

    @Test
    void theOptimizerIsPluggableAndAdamWIsTheDefault() {
        assertEquals("AdamW", new Trainer(Transformers.encoderDecoder(TINY), TrainerConfig.defaults(3)).optimizer()
                .getClass().getSimpleName());
        Trainer sgd = new Trainer(Transformers.encoderDecoder(TINY), TrainerConfig.defaults(3).withLearningRate(0.1),
                OptimizerFactory.sgd(0.9));
        assertInstanceOf(SGD.class, sgd.optimizer());
        assertEquals(0.9, ((SGD) sgd.optimizer()).options().momentum());
        Trainer amsgrad = new Trainer(Transformers.encoderDecoder(TINY), TrainerConfig.defaults(3),
                (groups, c) -> new Adam(groups, Adam.options(c.learningRate()).withAmsgrad(true)));
        TrainingResult r = amsgrad.train(SyntheticTasks.reverse(12, 2, 4).batches(4, 1, 2, 0), null, null);
        assertEquals(3, r.updates());
        assertTrue(amsgrad.optimizer().stateDict().buffers().keySet().stream().anyMatch(k -> k.endsWith(".max_exp_avg_sq")),
                "the factory's optimizer made the updates");
    }

    @Test
    void matricesOnlyScopeLeavesBiasesAndNormsWithoutWeightDecay() {
        TrainerConfig tc = TrainerConfig.defaults(3).toBuilder().weightDecay(0.1)
                .weightDecayScope(TrainerConfig.WeightDecayScope.MATRICES).build();
        Trainer trainer = new Trainer(Transformers.encoderDecoder(TINY), tc);
        ParamGroups groups = trainer.optimizer().paramGroups();
        assertEquals(List.of("decay", "no_decay"), groups.groups().stream().map(ParamGroups.Group::name).toList());
        assertEquals("no_decay", groups.groupOf("encoder.layers.0.norm1.weight"));
        assertEquals("no_decay", groups.groupOf("encoder.layers.0.linear1.bias"));
        assertEquals("decay", groups.groupOf("encoder.layers.0.linear1.weight"));
        assertEquals(0.0, groups.weightDecay("decoder.norm.bias", 0.1));
        assertEquals(0.1, groups.weightDecay("generator.weight", 0.1));
    }

    @Test
    void bestCheckpointKeepsTheWeightsOfTheBestEvaluation(@TempDir Path dir) throws Exception {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        Iterator<Double> losses = List.of(3.0, 1.0, 2.0, Double.NaN).iterator();
        Evaluator scripted = m -> new Evaluation(losses.next(), Double.NaN, Double.NaN);
        Map<Long, Map<String, Tensor>> snapshots = new LinkedHashMap<>();
        BestCheckpoint best = BestCheckpoint.lowest(model, Evaluation::loss).writingTo(CheckpointWriter.to(dir.resolve("best")));
        TrainingListener snapshot = TrainingListener.onEvaluation(e -> {
            Map<String, Tensor> copy = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> copy.put(k, v.detach().copy()));
            snapshots.put(e.step(), copy);
        });
        new Trainer(model, TrainerConfig.defaults(8).withWarmup(2).withEvaluation(2))
                .train(SyntheticTasks.reverse(12, 2, 4).batches(4, 1, 2, 0), scripted, snapshot.andThen(best));
        assertEquals(4, best.step());
        assertEquals(1.0, best.value());
        assertTrue(best.isBetterThan(2.0));
        assertFalse(best.isBetterThan(Double.NaN));
        best.restoreInto(model);
        for (Map.Entry<String, Tensor> e : snapshots.get(4L).entrySet()) {
            assertArrayEquals(e.getValue().toArray(), model.stateDict().get(e.getKey()).toArray(), e.getKey());
        }
        Checkpoint written = Checkpoint.read(dir.resolve("best"));
        assertEquals(4, written.step());
        assertEquals(null, written.optimizer(), "best weights are not a resumable checkpoint");
        assertThrows(IllegalStateException.class, () -> BestCheckpoint.highest(model, Evaluation::tokenAccuracy).restoreInto(model));
    }

    @Test
    void periodicCheckpointsAreResumable(@TempDir Path dir) throws Exception {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        Trainer trainer = new Trainer(model, TrainerConfig.defaults(7).withWarmup(2));
        List<TrainingEvent.CheckpointSaved> saved = new ArrayList<>();
        trainer.train(SyntheticTasks.reverse(12, 2, 4).batches(4, 1, 2, 0), null,
                new PeriodicCheckpoints(trainer, 3, dir.resolve("p")).andThen(TrainingListener.onCheckpoint(saved::add)));
        assertEquals(List.of(3L, 6L), saved.stream().map(TrainingEvent.CheckpointSaved::step).toList());
        assertEquals(dir.resolve("p").toString(), saved.get(0).location());
        Checkpoint c = Checkpoint.read(dir.resolve("p"));
        assertEquals(6, c.step());
        assertEquals(6, c.optimizer().steps());
        assertThrows(IllegalArgumentException.class, () -> new PeriodicCheckpoints(trainer, 0, dir));
    }

    @Test
    void aBatchThatDoesNotFitTheModelIsReportedClearly() {
        var lm = Transformers.decoderOnly(TINY.decoderOnly());
        Batch seq2seq = SyntheticTasks.reverse(12, 2, 4).batches(2, 1, 2, 0).next(new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(lm, TrainerConfig.defaults(1)).train(r -> seq2seq, null, null));
        assertTrue(e.getMessage().startsWith("a decoder-only model takes no source"), e.getMessage());
        EncoderDecoderTransformer ed = Transformers.encoderDecoder(TINY);
        Batch lmBatch = Batch.languageModel(new int[][] {{3, 4, 5}}, 0);
        assertEquals("an encoder-decoder model needs batches with a source", assertThrows(IllegalArgumentException.class,
                () -> new Trainer(ed, TrainerConfig.defaults(1)).train(r -> lmBatch, null, null)).getMessage());
    }
}
