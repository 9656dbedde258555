package dev.visor.transformer.train;

import static dev.visor.transformer.train.GradientStepTest.TINY;
import static dev.visor.transformer.train.GradientStepTest.batch;
import static dev.visor.transformer.train.LengthGroupsTest.rowsOfLengths;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.visor.tensor.AllocationMeter;
import dev.visor.tensor.StepArena;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.optim.AdamW;
import dev.visor.tensor.optim.Gradients;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A training step's arrays come from {@link GradientStep}'s arenas ({@link StepArena}) and give the bits of
 * a step without them: with every array poisoned (NaN) as it returns to an arena, on batches whose shapes
 * change from step to step, on the 1-thread length groups, the 2-thread shards and a wide model's groups;
 * what must outlive a step (the parameters' gradients, accumulated over two steps) does; and a steady
 * state takes no new arrays.
 */
class TrainArenaTest {
    private static final TransformerConfig DROPOUT = TINY.toBuilder().dropout(0.1).attentionDropout(0.1).build();
    private int threadsBefore;

    @BeforeEach
    void saveThreads() {
        assumeTrue(StepArena.ENABLED, "-Dvisor.trainArena=false: arena scopes do nothing");
        threadsBefore = Parallel.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    /** Batches of three shapes (padded lengths and row counts differ), used in turn. */
    private static final Batch[] SHAPES = {rowsOfLengths(2, 9, 3, 8, 5), rowsOfLengths(4, 4, 6, 7), batch(6, 11)};

    /** The losses of each step and the parameters after the last, by name. */
    private record Trained(List<Double> losses, Map<String, float[]> params, GradientStep step) {}

    /** {@code steps} AdamW steps (zeroGrad, run, clip, step) of a fresh model on {@link #SHAPES} in turn. */
    private static Trained train(TransformerConfig cfg, StepParallelism mode, boolean pool, boolean poison, int steps) {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(cfg);
        model.train();
        AdamW optimizer = new AdamW(model.namedParameters(), AdamW.options(0.01).withWeightDecay(0.0));
        GradientStep step = new GradientStep(model, mode, 5).arenas(pool, poison);
        List<Double> losses = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            Batch b = SHAPES[s % SHAPES.length];
            optimizer.zeroGrad();
            losses.add(step.run(List.of(b), b.targetCount(0), 0.1, s).loss());
            Gradients.clipGradNorm(model.parameters(), 1.0);
            optimizer.step();
        }
        Map<String, float[]> params = new TreeMap<>();
        model.namedParameters().forEach((k, v) -> params.put(k, v.toArray()));
        return new Trained(losses, params, step);
    }

    private static void assertSameBits(Trained expected, Trained actual) {
        assertEquals(expected.losses(), actual.losses());
        expected.params().forEach((name, values) -> assertArrayEquals(values, actual.params().get(name), name));
    }

    /** Trains {@code steps} steps with poisoned arenas and without any, asserts the same bits, and returns the pooled run. */
    private static Trained pooledMatchesPlain(TransformerConfig cfg, StepParallelism mode, int steps) {
        Trained plain = train(cfg, mode, false, false, steps);
        Trained pooled = train(cfg, mode, true, true, steps);
        assertSameBits(plain, pooled);
        assertEquals(0, plain.step().arenas().stream().mapToLong(StepArena::requests).sum(), "no arena asked without the pool");
        return pooled;
    }

    @Test
    void poisonedArenasGiveTheBitsOfNoArenaOnOneThread() {
        Parallel.setThreads(1);
        Trained pooled = pooledMatchesPlain(DROPOUT, StepParallelism.AUTO, 6);
        assertTrue(pooled.step().arenas().get(0).requests() > 0, "the passes took their arrays from the arena");
    }

    @Test
    void poisonedArenasGiveTheBitsOfNoArenaOnTwoThreadShards() {
        Parallel.setThreads(2);
        Trained pooled = pooledMatchesPlain(DROPOUT, StepParallelism.DATA_PARALLEL, 6);
        assertEquals(2, pooled.step().arenas().size(), "one arena per shard");
        for (StepArena a : pooled.step().arenas()) {
            assertTrue(a.requests() > 0, "each shard took its arrays from its own arena");
        }
    }

    @Test
    void poisonedArenasGiveTheBitsOfNoArenaOnAWideModelsGroupsAndTheWholeBatch() {
        Parallel.setThreads(1);
        pooledMatchesPlain(WideLengthGroupsTest.WIDE.toBuilder().dropout(0.1).build(), StepParallelism.AUTO, 3);
        LengthGroupsTest.withGroups("off", () -> pooledMatchesPlain(DROPOUT, StepParallelism.INTRA_OP, 3));
    }

    @Test
    void gradientsAccumulatedOverTwoRunsWithoutZeroingSurviveTheArena() {
        Parallel.setThreads(1);
        Map<String, float[]> expected = twoRunsWithoutZeroing(false);
        Map<String, float[]> actual = twoRunsWithoutZeroing(true);
        expected.forEach((name, g) -> assertArrayEquals(g, actual.get(name), name));
    }

    /** The gradients after two runs on two shapes with no zeroGrad between: the first run's adopted arrays must not be reused. */
    private static Map<String, float[]> twoRunsWithoutZeroing(boolean pool) {
        EncoderDecoderTransformer model = Transformers.encoderDecoder(DROPOUT);
        model.train();
        GradientStep step = new GradientStep(model, StepParallelism.AUTO, 5).arenas(pool, pool);
        for (int s = 0; s < 2; s++) {
            Batch b = SHAPES[s];
            step.run(List.of(b), b.targetCount(0), 0.1, s);
        }
        Map<String, float[]> out = new TreeMap<>();
        model.namedParameters().forEach((k, v) -> out.put(k, v.grad().toArray()));
        return out;
    }

    @Test
    void aSteadyStateOfAlternatingShapesTakesNoNewArrays() {
        Parallel.setThreads(1);
        EncoderDecoderTransformer model = Transformers.encoderDecoder(DROPOUT);
        model.train();
        AdamW optimizer = new AdamW(model.namedParameters(), AdamW.options(0.01).withWeightDecay(0.0));
        GradientStep step = new GradientStep(model, StepParallelism.AUTO, 5).arenas(true, false);
        long[] missesAfter = new long[12];
        long[] requests = new long[12];
        for (int s = 0; s < 12; s++) {
            Batch b = SHAPES[s % SHAPES.length];
            optimizer.zeroGrad();
            step.run(List.of(b), b.targetCount(0), 0.1, s);
            optimizer.step();
            missesAfter[s] = step.arenas().get(0).misses();
            requests[s] = step.arenas().get(0).requests();
        }
        // the first round of the three shapes makes the arrays; later rounds find them all
        assertEquals(missesAfter[2 * SHAPES.length - 1], missesAfter[11], "misses after the first rounds");
        assertTrue(requests[11] - requests[5] > 6 * 100, "the steps asked for their arrays: " + (requests[11] - requests[5]));
    }

    @Test
    void aWarmPooledStepSavesTheBytesItsArenaHandsOut() {
        if (!AllocationMeter.supported()) {
            return;
        }
        Parallel.setThreads(1);
        Stepper pooled = new Stepper(true);
        Stepper plain = new Stepper(false);
        long leastPooled = Long.MAX_VALUE;
        long leastPlain = Long.MAX_VALUE;
        long floats = 0;
        for (int s = 0; s < 60; s++) {   // in turn, so that both run in the same state of the JIT
            long requested = pooled.step.arenas().stream().mapToLong(StepArena::requestedFloats).sum();
            long a = pooled.bytes(s);
            long b = plain.bytes(s);
            if (s >= 48) {
                leastPooled = Math.min(leastPooled, a);
                leastPlain = Math.min(leastPlain, b);
                floats = pooled.step.arenas().stream().mapToLong(StepArena::requestedFloats).sum() - requested;
            }
        }
        // a whole-step bound would depend on the JIT (a cold step allocates boxed vectors): what the arena hands
        // out per step must be (nearly all) missing from the pooled step's allocation
        assertTrue(leastPlain - leastPooled > 2 * floats, "pooled step " + leastPooled + " bytes, without the arena "
                + leastPlain + ", the arena handed out " + 4 * floats + " bytes per step");
    }

    /** A model, its optimizer and its steps on {@code SHAPES[0]}, with or without the arena. */
    private static final class Stepper {
        final EncoderDecoderTransformer model = Transformers.encoderDecoder(DROPOUT);
        final AdamW optimizer = new AdamW(model.namedParameters(), AdamW.options(0.01).withWeightDecay(0.0));
        final GradientStep step;

        Stepper(boolean pool) {
            model.train();
            step = new GradientStep(model, StepParallelism.AUTO, 5).arenas(pool, false);
        }

        /** Step {@code s}; the bytes every thread allocated during it. */
        long bytes(int s) {
            Batch b = SHAPES[0];
            long before = AllocationMeter.allThreads();
            optimizer.zeroGrad();
            step.run(List.of(b), b.targetCount(0), 0.1, s);
            optimizer.step();
            return AllocationMeter.allThreads() - before;
        }
    }

    @Test
    void aStepRegistersNothingSoTheModelKeepsItsParameterWalk() {
        // GradientStep and the loop ask for model.parameters() every step; a walk rebuilt per step builds
        // every dotted name anew (Module's ParameterWalk): a step must leave the walk current
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            EncoderDecoderTransformer model = Transformers.encoderDecoder(DROPOUT);
            model.train();
            AdamW optimizer = new AdamW(model.namedParameters(), AdamW.options(0.01).withWeightDecay(0.0));
            GradientStep step = new GradientStep(model, StepParallelism.AUTO, 5);
            List<Tensor> walk = model.parameters();
            for (int s = 0; s < SHAPES.length; s++) {
                Batch b = SHAPES[s];
                optimizer.zeroGrad();
                step.run(List.of(b), b.targetCount(0), 0.1, s);
                Gradients.clipGradNorm(model.parameters(), 1.0);
                optimizer.step();
            }
            assertTrue(walk == model.parameters(), "the walk made before the steps is current after them on " + threads + " thread(s)");
        }
    }

    @Test
    void theLossTheStepReportsIsReadInsideItsScope() {
        Parallel.setThreads(1);
        EncoderDecoderTransformer model = Transformers.encoderDecoder(DROPOUT);
        model.train();
        GradientStep step = new GradientStep(model, StepParallelism.AUTO, 5).arenas(true, true);
        Batch b = SHAPES[0];
        double first = step.run(List.of(b), b.targetCount(0), 0.1, 0).loss();
        assertTrue(Double.isFinite(first), "a finite loss although every array returned was poisoned: " + first);
        for (Tensor p : model.parameters()) {
            if (p.grad() != null) {
                for (float v : p.grad().toArray()) {
                    assertTrue(Float.isFinite(v), "a parameter's gradient after the step is its own, never a poisoned array");
                }
            }
        }
    }
}
