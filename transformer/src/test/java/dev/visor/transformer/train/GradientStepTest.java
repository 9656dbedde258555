package dev.visor.transformer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.MaskPlan;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GradientStepTest {
    static final TransformerConfig TINY = TransformerConfig.tiny(12);
    private int threadsBefore;

    @BeforeEach
    void twoThreads() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(2);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    static Batch batch(int rows, long seed) {
        int[][][] s = SyntheticTasks.reverse(12, 2, 9).sample(new Rng(seed), rows);
        return Batch.seq2seq(s[0], s[1], 1, 2, 0);
    }

    /** Runs one gradient computation on a fresh model of {@code cfg}; returns the loss and every gradient by name. */
    static Map<String, float[]> gradients(TransformerConfig cfg, StepParallelism mode, List<Batch> micro, double[] loss) {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(cfg);
        model.train();
        int total = micro.stream().mapToInt(b -> b.targetCount(0)).sum();
        GradientStep.Result r = new GradientStep(model, mode, 3).run(micro, total, 0.1, 1);
        loss[0] = r.loss();
        return grads(model);
    }

    /**
     * The oracle: on a fresh model of {@code cfg}, each whole micro-batch's summed loss over the step's
     * target count, differentiated by {@code backward()} directly (no {@link GradientStep}, no shards,
     * no length groups); returns the loss and every gradient by name.
     */
    static Map<String, float[]> reference(TransformerConfig cfg, List<Batch> micro, double[] loss) {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(cfg);
        model.train();
        int total = micro.stream().mapToInt(b -> b.targetCount(0)).sum();
        loss[0] = 0;
        for (Batch b : micro) {
            Tensor l = model.loss(b.source(), b.input(), b.targets(), 0.1).sum().div(total);
            loss[0] += l.item();
            l.backward();
        }
        return grads(model);
    }

    static Map<String, float[]> grads(EncoderDecoderTransformer model) {
        Map<String, float[]> out = new TreeMap<>();
        model.namedParameters().forEach((k, v) -> out.put(k, v.grad() == null ? null : v.grad().toArray()));
        return out;
    }

    /** Every gradient of {@code actual} within float summation tolerance of {@code expected}'s, relative to its largest entry. */
    static void assertGradientsMatch(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            float[] a = expected.get(k);
            float[] b = actual.get(k);
            double max = max(a);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5 * max + 1e-8, k + "[" + i + "]");
            }
        }
    }

    @Test
    void dataParallelShardsGiveTheFullBatchGradientWithoutDropout() {
        // odd rows: unequal shards; for this model the shards hold rows grouped by length, each cut to its longest row
        List<Batch> micro = List.of(batch(9, 5), batch(6, 6));
        double[] l1 = new double[1];
        double[] l2 = new double[1];
        Map<String, float[]> whole = reference(TINY, micro, l1);
        Map<String, float[]> shards = gradients(TINY, StepParallelism.DATA_PARALLEL, micro, l2);
        assertEquals(l1[0], l2[0], 1e-5 * Math.abs(l1[0]), "the loss is the mean over all target tokens");
        assertGradientsMatch(whole, shards);
    }

    @Test
    void shardsOfAModelWhoseMaskSeesPaddingKeepTheRowSplitAndTheFullBatchGradient() {
        // the encoder attends to padded source keys: cutting a shard's padding would change the real positions
        TransformerConfig cfg = TINY.toBuilder().masks(MaskPlan.defaults().with(AttentionSite.ENCODER_SELF, "full")).build();
        assertTrue(GradientStep.lengthGrouped(Transformers.encoderDecoder(TINY)));
        assertFalse(GradientStep.lengthGrouped(Transformers.encoderDecoder(cfg)));
        assertFalse(GradientStep.lengthGrouped(new TrainerApiTest.BagOfEmbeddings(TINY.decoderOnly())), "a model class of one's own");
        List<Batch> micro = List.of(batch(9, 15));
        double[] l1 = new double[1];
        double[] l2 = new double[1];
        Map<String, float[]> whole = reference(cfg, micro, l1);
        Map<String, float[]> shards = gradients(cfg, StepParallelism.DATA_PARALLEL, micro, l2);
        assertEquals(l1[0], l2[0], 1e-5 * Math.abs(l1[0]));
        assertGradientsMatch(whole, shards);
    }

    static float max(float[] a) {
        float m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void dataParallelStepsAreBitIdenticalAcrossRunsWithDropout() {
        TransformerConfig cfg = TINY.toBuilder().dropout(0.1).attentionDropout(0.1).build();
        List<Batch> micro = List.of(batch(10, 7));
        double[] l1 = new double[1];
        double[] l2 = new double[1];
        double[] l3 = new double[1];
        Map<String, float[]> a = gradients(cfg, StepParallelism.DATA_PARALLEL, micro, l1);
        Map<String, float[]> b = gradients(cfg, StepParallelism.DATA_PARALLEL, micro, l2);
        Map<String, float[]> noDrop = gradients(TINY, StepParallelism.DATA_PARALLEL, micro, l3);
        assertEquals(l1[0], l2[0]);
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        assertNotEquals(l1[0], l3[0], "dropout is active in the shards");
    }

    @Test
    void autoSplitsSmallModelsOnlyWithSeveralThreadsAndRows() {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        assertEquals(2, new GradientStep(model, StepParallelism.AUTO, 0).shards(64));
        assertEquals(1, new GradientStep(model, StepParallelism.AUTO, 0).shards(1));
        assertEquals(1, new GradientStep(model, StepParallelism.INTRA_OP, 0).shards(64));
        assertEquals(2, new GradientStep(model, StepParallelism.DATA_PARALLEL, 0).shards(64));
        assertTrue(!GradientStep.prefersDataParallel(TransformerConfig.base(100, 100), 8), "base size keeps intra-op parallelism");
        TrainerApiTest.BagOfEmbeddings own = new TrainerApiTest.BagOfEmbeddings(TINY.decoderOnly());
        assertEquals(1, new GradientStep(own, StepParallelism.AUTO, 0).shards(64), "a model class of one's own: only when asked");
        assertEquals(2, new GradientStep(own, StepParallelism.DATA_PARALLEL, 0).shards(64));
        Parallel.setThreads(1);
        assertEquals(1, new GradientStep(model, StepParallelism.AUTO, 0).shards(64));
        assertEquals(1, new GradientStep(model, StepParallelism.DATA_PARALLEL, 0).shards(64));
    }

    @Test
    void theSystemPropertyOverridesAutoOnly() {
        String before = System.getProperty(StepParallelism.PROPERTY);
        try {
            System.setProperty(StepParallelism.PROPERTY, "intra-op");
            assertEquals(StepParallelism.INTRA_OP, StepParallelism.AUTO.withOverride());
            assertEquals(StepParallelism.DATA_PARALLEL, StepParallelism.DATA_PARALLEL.withOverride());
            EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
            assertEquals(1, new GradientStep(model, StepParallelism.AUTO, 0).shards(64));
            System.setProperty(StepParallelism.PROPERTY, "sideways");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, StepParallelism.AUTO::withOverride);
            assertTrue(e.getMessage().contains("sideways") && e.getMessage().contains("intra-op"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(StepParallelism.PROPERTY);
            } else {
                System.setProperty(StepParallelism.PROPERTY, before);
            }
        }
        assertEquals(StepParallelism.DATA_PARALLEL, StepParallelism.parse(" Data "));
        assertEquals(StepParallelism.INTRA_OP, StepParallelism.parse("INTRA"));
        assertEquals(StepParallelism.AUTO, StepParallelism.parse("auto"));
    }

    @Test
    void rowsOfABatchKeepPaddingAndTargets() {
        Batch b = batch(5, 9);
        Batch r = b.rows(1, 4);
        int length = b.input().length();
        assertEquals(3, r.input().batch());
        assertEquals(length, r.input().length());
        assertArrayEquals(Arrays.copyOfRange(b.targets(), length, 4 * length), r.targets());
        assertArrayEquals(Arrays.copyOfRange(b.input().validLengths(), 1, 4), r.input().validLengths());
        assertArrayEquals(Arrays.copyOfRange(b.source().ids(), b.source().length(), 4 * b.source().length()), r.source().ids());
        assertEquals(b.targetCount(0), b.rows(0, 1).targetCount(0) + r.targetCount(0) + b.rows(4, 5).targetCount(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.rows(3, 3));
        assertTrue(e.getMessage().contains("[3, 3)") && e.getMessage().contains("5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.rows(-1, 2));
        assertThrows(IllegalArgumentException.class, () -> b.rows(2, 6));
    }

    @Test
    void trainerUsesTheModeItIsGiven() {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        Trainer t = new Trainer(model, TrainerConfig.defaults(1));
        assertEquals(StepParallelism.AUTO, t.parallelism());
        assertEquals(StepParallelism.INTRA_OP, t.withParallelism(StepParallelism.INTRA_OP).parallelism());
        assertThrows(NullPointerException.class, () -> t.withParallelism(null));
        // with dropout and without length groups, data-parallel and intra-op steps draw different masks: the mode
        // reaches the step (with length groups the intra-op step runs the data-parallel shards' plan and streams)
        TransformerConfig cfg = TINY.toBuilder().dropout(0.3).build();
        Batch b = batch(8, 4);
        double[] loss = new double[2];
        LengthGroupsTest.withGroups("off", () -> {
            int i = 0;
            for (StepParallelism mode : new StepParallelism[] {StepParallelism.INTRA_OP, StepParallelism.DATA_PARALLEL}) {
                Trainer tr = new Trainer(Transformers.encoderDecoder(cfg), TrainerConfig.defaults(1)).withParallelism(mode);
                loss[i++] = tr.backward(List.of(b), b.targetCount(0))[0];
            }
        });
        assertNotEquals(loss[0], loss[1]);
    }
}
