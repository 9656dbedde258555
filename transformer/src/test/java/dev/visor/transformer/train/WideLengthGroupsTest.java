package dev.visor.transformer.train;

import static dev.visor.transformer.train.GradientStepTest.TINY;
import static dev.visor.transformer.train.GradientStepTest.assertGradientsMatch;
import static dev.visor.transformer.train.GradientStepTest.reference;
import static dev.visor.transformer.train.LengthGroupsTest.rowsOfLengths;
import static dev.visor.transformer.train.LengthGroupsTest.withGroups;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.LeafGradients;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The length groups of a model wider than {@link GradientStep#SMALL_WIDTH}, whose steps never run
 * data-parallel shards: groups of the least summed work, their gradients added straight into the
 * parameters'.
 */
class WideLengthGroupsTest extends OneThreadFixture {
    /** TINY at a width past SMALL_WIDTH (4 heads of 72). */
    static final TransformerConfig WIDE = TINY.toBuilder().dModel(GradientStep.SMALL_WIDTH + 32).build();

    /** TrainStepBench.Base's rows: valid lengths 128, 120, ..., 72 on both sides. */
    private static final int[] BASE_LENGTHS = {128, 120, 112, 104, 96, 88, 80, 72};

    private static int[][] basePlan(int width, int grouping, int[] lengths) {
        return LengthGroups.plan(width, grouping, lengths, lengths, 128, 128);
    }

    @Test
    void theBaseBatchRunsAsFourGroupsOfTwoRows() {
        int[][] plan = basePlan(512, LengthGroups.AUTO_GROUPS, BASE_LENGTHS);
        assertEquals("[[7, 6], [5, 4], [3, 2], [1, 0]]", Arrays.deepToString(plan), "rows of lengths 72-80, 88-96, 104-112, 120-128");
        long whole = ShardPlan.cost(8, 128, 128, 512);
        long grouped = ShardPlan.total(BASE_LENGTHS, BASE_LENGTHS, plan, 512);
        assertEquals(0.208, 1 - grouped / (double) whole, 0.001, "21 % of the padded work saved");
        // the 3rd and 4th groups save 4.3 % and 2.5 % more; a 5th would save 0.9 % (and MAX_GROUPS is 4)
        assertEquals("[[7, 6, 5], [4, 3, 2], [1, 0]]", Arrays.deepToString(basePlan(512, 3, BASE_LENGTHS)), "forced: the least summed work in 3");
        // the demo's width keeps the 2-thread shards' plan, 2 groups
        assertEquals(2, basePlan(64, LengthGroups.AUTO_GROUPS, BASE_LENGTHS).length);
        int[] full = new int[8];
        Arrays.fill(full, 128);
        assertNull(basePlan(512, LengthGroups.AUTO_GROUPS, full), "no padding: nothing to save");
        assertEquals(2, basePlan(512, LengthGroups.ON_GROUPS, full).length, "forced on");
        assertNull(basePlan(512, LengthGroups.AUTO_GROUPS, new int[] {128, 128, 128, 128, 128, 128, 128, 120}), "saves under 10 %");
    }

    /** Runs {@link GradientStep} on a fresh model of {@code cfg}; returns every gradient by name and the loss. */
    private static Map<String, float[]> stepGradients(TransformerConfig cfg, Batch b, double[] loss) {
        return GradientStepTest.gradients(cfg, StepParallelism.AUTO, List.of(b), loss);
    }

    @Test
    void groupsGiveTheWholeBatchGradientsAndRepeatBitForBit() {
        Batch mixed = rowsOfLengths(2, 9, 3, 8, 2, 9, 4, 7, 3, 9);
        GradientStep step = new GradientStep(Transformers.encoderDecoder(WIDE), StepParallelism.AUTO, 3);
        assertTrue(step.pieces(mixed) >= 2, "a wide model's step runs groups too");
        double[] l1 = new double[1];
        double[] l2 = new double[1];
        Map<String, float[]> whole = reference(WIDE, List.of(mixed), l1);
        Map<String, float[]> grouped = stepGradients(WIDE, mixed, l2);
        assertGradientsMatch(whole, grouped);
        assertEquals(l1[0], l2[0], 1e-5 * Math.abs(l1[0]));
        TransformerConfig dropout = WIDE.toBuilder().dropout(0.1).attentionDropout(0.1).build();
        Map<String, float[]> a = stepGradients(dropout, mixed, l1);
        Map<String, float[]> again = stepGradients(dropout, mixed, l2);
        assertEquals(l1[0], l2[0]);
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), again.get(k), k);
        }
    }

    @Test
    void eachGroupsBackwardAddsStraightIntoTheParameters() {
        // the oracle: each group's loss over the batch's target count, differentiated in turn into the
        // parameters' gradients (linear weights by grad += gᵀ·x, LeafGradients) under the group's dropout
        // stream; the same bits, so no capture sums them otherwise
        TransformerConfig cfg = WIDE.toBuilder().dropout(0.1).build();
        Batch b = rowsOfLengths(2, 9, 3, 8, 2, 9, 4, 7);
        double[] loss = new double[1];
        Map<String, float[]> stepped = stepGradients(cfg, b, loss);
        EncoderDecoderTransformer model = Transformers.encoderDecoder(cfg);
        model.train();
        int[][] plan = new GradientStep(model, StepParallelism.AUTO, 3).microPlan(b);
        int total = b.targetCount(0);
        long microSeed = Rng.mixSeeds(3, 1, 0);   // GradientStep's seed 3, step 1, micro-batch 0
        double sum = 0;
        for (int g = 0; g < plan.length; g++) {
            try (Rng.Scope streams = Rng.deriveStreams(Rng.mixSeeds(microSeed, g, 0));
                    LeafGradients.Scope inPlace = LeafGradients.addInPlace()) {
                Batch group = b.pick(plan[g]).trimmed(0);
                Tensor l = model.loss(group.source(), group.input(), group.targets(), 0.1).sum().div(total);
                sum += l.item();
                l.backward();
            }
        }
        assertEquals(sum, loss[0]);
        Map<String, float[]> manual = GradientStepTest.grads(model);
        for (String k : manual.keySet()) {
            assertArrayEquals(manual.get(k), stepped.get(k), k);
        }
    }

    @Test
    void thePropertyForcesACountOnOrOff() {
        EncoderDecoderTransformer wide = Transformers.encoderDecoder(WIDE);
        EncoderDecoderTransformer narrow = Transformers.encoderDecoder(TINY);
        Batch mixed = rowsOfLengths(2, 9, 3, 8, 2, 9, 4, 7);
        Batch even = rowsOfLengths(5, 5, 5, 5);
        withGroups("3", () -> {
            assertEquals(3, new GradientStep(wide, StepParallelism.AUTO, 0).pieces(mixed));
            assertEquals(3, new GradientStep(narrow, StepParallelism.AUTO, 0).pieces(mixed));
            assertEquals(3, new GradientStep(wide, StepParallelism.AUTO, 0).pieces(even), "forced whatever it saves");
        });
        withGroups("1", () -> assertEquals(1, new GradientStep(wide, StepParallelism.AUTO, 0).pieces(mixed)));
        withGroups("off", () -> assertNull(new GradientStep(wide, StepParallelism.AUTO, 0).microPlan(mixed)));
        withGroups("on", () -> assertEquals(2, new GradientStep(wide, StepParallelism.AUTO, 0).pieces(even)));
        assertEquals(1, new GradientStep(wide, StepParallelism.AUTO, 0).pieces(even), "auto: nothing to save");
        for (String bad : List.of("0", "-2", "two", "1.5")) {
            withGroups(bad, () -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GradientStep(wide, StepParallelism.AUTO, 0));
                assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("a group count of at least 1"), e.getMessage());
            });
        }
    }
}
