package dev.visor.transformer.train;

import static dev.visor.transformer.train.GradientStepTest.TINY;
import static dev.visor.transformer.train.GradientStepTest.assertGradientsMatch;
import static dev.visor.transformer.train.GradientStepTest.batch;
import static dev.visor.transformer.train.GradientStepTest.gradients;
import static dev.visor.transformer.train.GradientStepTest.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.kernel.Parallel;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.MaskPlan;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The length groups a step runs one after the other when it does not split a batch across threads. */
class LengthGroupsTest extends OneThreadFixture {
    /** Runs {@code body} with {@value GradientStep#GROUPS_PROPERTY} set to {@code value}, then restores it. */
    static void withGroups(String value, Runnable body) {
        String before = System.getProperty(GradientStep.GROUPS_PROPERTY);
        System.setProperty(GradientStep.GROUPS_PROPERTY, value);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(GradientStep.GROUPS_PROPERTY);
            } else {
                System.setProperty(GradientStep.GROUPS_PROPERTY, before);
            }
        }
    }

    /** Rows of the given source lengths whose targets reverse them (tokens 3..11 of TINY's vocabulary). */
    static Batch rowsOfLengths(int... lengths) {
        int[][] src = new int[lengths.length][];
        int[][] tgt = new int[lengths.length][];
        for (int r = 0; r < lengths.length; r++) {
            src[r] = new int[lengths[r]];
            tgt[r] = new int[lengths[r]];
            for (int i = 0; i < lengths[r]; i++) {
                src[r][i] = 3 + (r * 7 + i * 5) % 9;
            }
            for (int i = 0; i < lengths[r]; i++) {
                tgt[r][i] = src[r][lengths[r] - 1 - i];
            }
        }
        return Batch.seq2seq(src, tgt, 1, 2, 0);
    }

    /** The share of the whole batch's work (ShardPlan's units) that running {@code plan}'s groups, each cut ({@link Batch#trimmed}), saves. */
    private static double saving(Batch b, int[][] plan) {
        long grouped = 0;
        for (int[] group : plan) {
            Batch g = b.pick(group).trimmed(0);
            grouped += ShardPlan.cost(group.length, g.source().length(), g.input().length(), TINY.dModel());
        }
        return 1 - grouped / (double) ShardPlan.cost(b.input().batch(), b.source().length(), b.input().length(), TINY.dModel());
    }

    @Test
    void aOneThreadStepRunsLengthGroupsWithTheFullBatchGradient() {
        List<Batch> micro = List.of(batch(9, 5), batch(12, 6));
        GradientStep step = new GradientStep(Transformers.encoderDecoder(TINY), StepParallelism.AUTO, 3);
        for (Batch b : micro) {
            assertEquals(1, step.shards(b.input().batch()));
            assertEquals(2, step.pieces(b), "lengths 2-9 save more than 10 % in two groups");
        }
        double[] l1 = new double[1];
        double[] l2 = new double[1];
        Map<String, float[]> whole = reference(TINY, micro, l1);
        assertGradientsMatch(whole, gradients(TINY, StepParallelism.AUTO, micro, l2));
        assertEquals(l1[0], l2[0], 1e-5 * Math.abs(l1[0]));
        // the intra-op mode on two threads runs the groups one after the other, each op split across the threads
        Parallel.setThreads(2);
        assertEquals(2, new GradientStep(Transformers.encoderDecoder(TINY), StepParallelism.INTRA_OP, 3).pieces(micro.get(0)));
        assertGradientsMatch(whole, gradients(TINY, StepParallelism.INTRA_OP, micro, l2));
        assertEquals(l1[0], l2[0], 1e-5 * Math.abs(l1[0]));
    }

    @Test
    void theLossIsTheMeanOverAllTargetTokensNotAMeanOfGroupMeans() {
        // six short rows and two long ones: the groups hold 6 x 3 and 2 x 10 targets
        Batch b = rowsOfLengths(2, 9, 2, 2, 9, 2, 2, 2);
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        model.train();
        int[][] plan = new GradientStep(model, StepParallelism.AUTO, 3).microPlan(b);
        assertEquals(2, plan.length);
        double meanOfMeans = 0;
        for (int[] group : plan) {
            Batch g = b.pick(group).trimmed(0);
            meanOfMeans += model.loss(g.source(), g.input(), g.targets(), 0.1).sum().item() / g.targetCount(0) / plan.length;
        }
        double[] l1 = new double[1];
        double[] l2 = new double[1];
        Map<String, float[]> whole = reference(TINY, List.of(b), l1);
        assertGradientsMatch(whole, gradients(TINY, StepParallelism.AUTO, List.of(b), l2));
        assertEquals(l1[0], l2[0], 1e-6 * Math.abs(l1[0]), "Σ loss / " + b.targetCount(0) + " targets");
        // an untrained model's per-token losses are all near log(12), so the means differ little, but 100 times the
        // tolerance above; the gradients (matched above to 1e-5) would differ by about 5 %: 38 / (2 x 18) and 38 / (2 x 20)
        assertTrue(Math.abs(meanOfMeans - l1[0]) > 1e-4 * Math.abs(l1[0]), "the two means must differ for this test to mean anything: "
                + meanOfMeans + " vs " + l1[0]);
    }

    @Test
    void modelsWhoseShardsMayNotBeCutKeepTheWholeBatch() {
        // the encoder attends to padded source keys: cutting a group's padding would change its real positions
        TransformerConfig cfg = TINY.toBuilder().masks(MaskPlan.defaults().with(AttentionSite.ENCODER_SELF, "full")).build();
        Batch b = batch(9, 15);
        withGroups("on", () -> {
            assertNull(new GradientStep(Transformers.encoderDecoder(cfg), StepParallelism.AUTO, 0).microPlan(b));
            assertEquals(1, new GradientStep(Transformers.encoderDecoder(cfg), StepParallelism.AUTO, 0).pieces(b));
            TrainerApiTest.BagOfEmbeddings own = new TrainerApiTest.BagOfEmbeddings(TINY.decoderOnly());
            Batch lm = Batch.languageModel(new int[][] {{3, 4}, {3, 4, 5, 6, 7, 8, 9}, {5, 6}}, 0);
            assertNull(new GradientStep(own, StepParallelism.AUTO, 0).microPlan(lm), "a model class of one's own");
            double[] l1 = new double[1];
            double[] l2 = new double[1];
            assertGradientsMatch(reference(cfg, List.of(b), l1), gradients(cfg, StepParallelism.AUTO, List.of(b), l2));
            assertEquals(l1[0], l2[0], 1e-5 * Math.abs(l1[0]));
        });
    }

    @Test
    void groupsAreTakenWhenTheySaveAtLeastTenPercentOrWhenForced() {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(TINY);
        Batch even = rowsOfLengths(5, 5, 5, 5);
        Batch nearlyEven = rowsOfLengths(9, 9, 9, 9, 9, 9, 9, 8);
        Batch mixed = rowsOfLengths(2, 9, 3, 8, 2, 9, 4, 7);
        GradientStep auto = new GradientStep(model, StepParallelism.AUTO, 0);
        assertNull(auto.microPlan(even));
        assertNull(auto.microPlan(nearlyEven));
        assertNull(auto.microPlan(rowsOfLengths(4)), "one row");
        int[][] plan = auto.microPlan(mixed);
        assertTrue(saving(mixed, plan) >= 0.10, "saves " + saving(mixed, plan));
        assertEquals(2, plan.length);
        int[] lengths = mixed.source().validLengths();
        for (int shortRow : plan[0]) {
            for (int longRow : plan[1]) {
                assertTrue(lengths[shortRow] <= lengths[longRow], "groups by length: " + java.util.Arrays.deepToString(plan));
            }
        }
        EncoderDecoderTransformer wide = Transformers.encoderDecoder(TINY.toBuilder().dModel(GradientStep.SMALL_WIDTH + 32).build());
        assertNull(new GradientStep(wide, StepParallelism.AUTO, 0).microPlan(nearlyEven), "a model wider than " + GradientStep.SMALL_WIDTH);
        withGroups("on", () -> {
            assertEquals(2, new GradientStep(wide, StepParallelism.AUTO, 0).microPlan(nearlyEven).length, "forced");
            int[][] forced = new GradientStep(model, StepParallelism.AUTO, 0).microPlan(nearlyEven);
            assertEquals(2, forced.length);
            assertTrue(saving(nearlyEven, forced) < 0.10, "saves " + saving(nearlyEven, forced));
            assertEquals(2, new GradientStep(model, StepParallelism.AUTO, 0).pieces(even));
        });
        withGroups("OFF", () -> assertNull(new GradientStep(model, StepParallelism.AUTO, 0).microPlan(mixed)));
        withGroups("sideways", () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GradientStep(model, StepParallelism.AUTO, 0));
            assertTrue(e.getMessage().contains("'sideways'") && e.getMessage().contains("auto, on, off or a group count"), e.getMessage());
        });
    }

    @Test
    void oneThreadGroupsDrawTheMasksOfTheTwoThreadShardsAndRepeat() {
        TransformerConfig cfg = TINY.toBuilder().dropout(0.1).attentionDropout(0.1).build();
        List<Batch> micro = List.of(batch(10, 7));
        double[] one = new double[1];
        double[] again = new double[1];
        double[] two = new double[1];
        double[] whole = new double[1];
        Map<String, float[]> a = gradients(cfg, StepParallelism.AUTO, micro, one);
        Map<String, float[]> b = gradients(cfg, StepParallelism.AUTO, micro, again);
        assertEquals(one[0], again[0]);
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
        withGroups("off", () -> gradients(cfg, StepParallelism.AUTO, micro, whole));
        assertNotEquals(one[0], whole[0], "the whole batch draws other masks");
        Parallel.setThreads(2);
        assertGradientsMatch(a, gradients(cfg, StepParallelism.DATA_PARALLEL, micro, two));
        assertEquals(one[0], two[0], 1e-6 * Math.abs(one[0]), "the same rows, cuts and dropout masks as the 2-thread shards");
    }
}
